import gc

from sportello.core import heap


def test_settle_freezes_the_loaded_objects_and_raises_the_young_threshold():
    before = gc.get_threshold()
    try:
        heap.settle()
        assert gc.get_freeze_count() > 10_000  # the loaded application and the test runner
        assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, before[1], before[2])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
