"""The citizen's applications in the GDPR data export."""


def export_applications(user) -> dict:
    from sportello.hiring.models import Application

    apps = Application.objects.filter(citizen=user).select_related("call")
    return {
        "hiring_applications": [
            {
                "call": a.call.title,
                "protocol": a.protocol,
                "status": a.status,
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "declared": a.data,
                "revisions": [
                    {"number": r.number, "at": r.submitted_at.isoformat(), "sha256": r.sha256}
                    for r in a.revisions.all()
                ],
                "appeals": [{"text": p.text, "status": p.status} for p in a.appeals.all()],
            }
            for a in apps
        ]
    }
