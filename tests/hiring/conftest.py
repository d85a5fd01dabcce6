import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (e-mails, receipts) of the block, as a real commit would."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block
