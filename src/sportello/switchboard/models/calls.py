"""What happened: calls, queue entries, agent state changes. The facts every metric comes from."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sportello.switchboard.models.config import Agent, IvrFlowVersion, Queue, ServiceNumber, Trunk


class Call(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", _("Inbound")
        OUTBOUND = "out", _("Outbound")
        CALLBACK = "callback", _("Callback")

    class EndReason(models.TextChoices):
        CALLER_HANGUP = "caller_hangup", _("Caller hung up")
        AGENT_HANGUP = "agent_hangup", _("Agent hung up")
        CLOSED = "closed", _("Outside opening hours")
        QUEUE_EXIT = "queue_exit", _("Left the queue (full or timed out)")
        TRANSFERRED = "transferred", _("Transferred out")
        FAILED = "failed", pgettext_lazy("call end reason", "Failed")
        ENGINE_RESTART = "engine_restart", _("Engine restarted during the call")
        REFUSED = "refused", _("Refused")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sip_call_id = models.CharField(max_length=200, db_index=True)
    direction = models.CharField(
        max_length=10, choices=Direction.choices, default=Direction.INBOUND
    )
    trunk = models.ForeignKey(Trunk, null=True, on_delete=models.SET_NULL)
    service_number = models.ForeignKey(ServiceNumber, null=True, on_delete=models.SET_NULL)
    flow_version = models.ForeignKey(IvrFlowVersion, null=True, on_delete=models.SET_NULL)
    caller_number = models.CharField(max_length=32, db_index=True)
    called_number = models.CharField(max_length=32)
    language = models.CharField(max_length=2, blank=True)
    ivr_path = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    wrap_up_code = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    media_node = models.CharField(max_length=100, blank=True)
    engine = models.CharField(
        max_length=64, default="main", help_text="the engine instance handling the call"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["ended_at"], name="call_open_idx", condition=models.Q(ended_at__isnull=True)
            )
        ]


class QueueEntry(models.Model):
    class Outcome(models.TextChoices):
        ANSWERED = "answered", pgettext_lazy("queue outcome", "Answered")
        ABANDONED = "abandoned", pgettext_lazy("queue outcome", "Abandoned")
        TIMED_OUT = "timed_out", _("Timed out")
        FULL = "full", _("Queue full")
        CALLBACK = "callback", _("Callback requested")
        TRANSFERRED = "transferred", _("Transferred")
        ENGINE_RESTART = "engine_restart", _("Engine restarted")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="queue_entries")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="entries")
    entered_at = models.DateTimeField(db_index=True)
    left_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    agent = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.SET_NULL)
    ring_attempts = models.PositiveSmallIntegerField(default=0)
    talk_seconds = models.FloatField(null=True, blank=True)
    hold_seconds = models.FloatField(default=0)
    wrap_up_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["queue", "entered_at"])]

    @property
    def wait_seconds(self) -> float | None:
        if self.left_at is None:
            return None
        return (self.left_at - self.entered_at).total_seconds()


class AgentStateChange(models.Model):
    class State(models.TextChoices):
        OFFLINE = "offline", _("Logged out")
        AVAILABLE = "available", _("Available")
        RINGING = "ringing", _("Ringing")
        ON_CALL = "on_call", _("On a call")
        WRAP_UP = "wrap_up", _("Wrap-up")
        PAUSED = "paused", _("Paused")

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="state_changes")
    state = models.CharField(max_length=10, choices=State.choices)
    reason = models.CharField(max_length=30, blank=True)
    at = models.DateTimeField(db_index=True)
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["agent", "at"])]


class CallbackRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("callback status", "Waiting")
        DIALLING = "dialling", _("Dialling")
        DONE = "done", pgettext_lazy("callback status", "Done")
        FAILED = "failed", _("Failed after retries")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="callbacks")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT)
    number = models.CharField(max_length=32)
    number_typed = models.BooleanField(
        default=False, help_text="typed on the keypad, not the number the caller called from"
    )
    requested_at = models.DateTimeField()
    queued_since = models.DateTimeField(help_text="the caller's original place in the queue")
    attempts = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    outcome = models.CharField(max_length=100, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)


class Voicemail(models.Model):
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT)
    call = models.ForeignKey(Call, on_delete=models.CASCADE)
    file = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)


class Recording(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="recordings")
    file = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    delete_after = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)


class CallTransfer(models.Model):
    """An agent handing a call on: blind or after consulting the target first."""

    class Kind(models.TextChoices):
        BLIND = "blind", _("Blind")
        ATTENDED = "attended", _("Attended")

    class TargetType(models.TextChoices):
        AGENT = "agent", _("Agent")
        QUEUE = "queue", _("Queue")
        NUMBER = "number", _("External number")

    class Outcome(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled by the agent")
        NO_ANSWER = "no_answer", _("Target did not answer")
        FAILED = "failed", pgettext_lazy("transfer outcome", "Failed")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transfers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target_type = models.CharField(max_length=10, choices=TargetType.choices)
    target_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers_received"
    )
    target_queue = models.ForeignKey(Queue, null=True, blank=True, on_delete=models.SET_NULL)
    target_number = models.CharField(max_length=32, blank=True)
    by_agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers_made"
    )
    requested_at = models.DateTimeField(db_index=True)
    answered_at = models.DateTimeField(null=True, blank=True, help_text="the target answered")
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
