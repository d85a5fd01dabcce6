"""Work the task worker does for the switchboard (`manage.py db_worker`)."""

from pathlib import Path

from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from sportello.switchboard import retention
from sportello.switchboard.models import Voicemail


@task(queue_name="email")
def deliver_voicemail(voicemail_id: int) -> bool:
    """E-mail a voicemail to its queue's mailbox, with the message attached as WAV."""
    message = Voicemail.objects.select_related("queue", "call").filter(pk=voicemail_id).first()
    if message is None or message.delivered_at is not None or not message.queue.mailbox_email:
        return False
    call = message.call
    email = EmailMessage(
        subject=_("Voicemail for %(queue)s from %(caller)s")
        % {"queue": message.queue.name, "caller": call.caller_number or _("unknown number")},
        body=_("A caller left a message on %(when)s. The recording is attached.")
        % {"when": timezone.localtime(message.created_at).strftime("%Y-%m-%d %H:%M")},
        to=[message.queue.mailbox_email],
    )
    path = Path(message.file)
    email.attach(f"voicemail-{message.pk}.wav", path.read_bytes(), "audio/wav")
    email.send()
    message.delivered_at = timezone.now()
    message.save(update_fields=["delivered_at"])
    return True


@task()
def purge_recordings() -> int:
    """Delete call recordings past their retention date."""
    return retention.purge_recordings()
