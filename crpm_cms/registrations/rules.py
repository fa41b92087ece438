"""The registration states and the one table of allowed transitions.

Everything else (services, plugins, templates) reads these names; nothing restates the rules.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATES = ("applied", "approved", "offered", "registered", "waitlisted", "rejected", "withdrawn",
          "cancelled", "expired", "attended", "no_show", "certified")
# People in these states hold one seat of the activity (and of each quota they match).
SEAT_STATES = frozenset({"approved", "offered", "registered", "attended", "no_show", "certified"})
# From these states (or with no row yet) a person may register or apply again.
ENDED_STATES = frozenset({"withdrawn", "cancelled", "expired", "rejected"})
# Seat-holding states that still wait for the person to confirm before a date.
OFFER_STATES = frozenset({"approved", "offered"})
NEW = "none"  # the "from state" of someone who has no registration yet
QUOTA_DIMENSIONS = ("country", "sex")
PROMOTE_TO = ("registered", "offered")

_CLEARED = (NEW, *sorted(ENDED_STATES))
_ACTIVE_UNSEATED = ("applied", "approved", "offered", "registered", "waitlisted")

# action → {from state: to state}. "register" and "approve" fall back to "waitlisted" when no
# seat (or quota) is free; every pair missing here is refused.
TRANSITIONS: dict[str, dict[str, str]] = {
    "register": dict.fromkeys(_CLEARED, "registered"),
    "apply": dict.fromkeys(_CLEARED, "applied"),
    "approve": {"applied": "approved"},
    "reject": {"applied": "rejected", "waitlisted": "rejected"},
    "offer": {"waitlisted": "offered"},
    "promote": {"waitlisted": "registered"},
    "confirm": {"approved": "registered", "offered": "registered"},
    "withdraw": dict.fromkeys(_ACTIVE_UNSEATED, "withdrawn"),
    "cancel": dict.fromkeys(_ACTIVE_UNSEATED, "cancelled"),
    "expire": {"approved": "expired", "offered": "expired"},
    "mark_attended": {"registered": "attended", "no_show": "attended"},
    "mark_no_show": {"registered": "no_show", "attended": "no_show"},
    "certify": {"attended": "certified"},
}
# Actions that fall back to the waiting list instead of failing when no seat is free.
WAITLIST_FALLBACK = frozenset({"register", "approve"})

STATE_LABELS = {
    NEW: _l("not registered"),
    "applied": _l("applied"),
    "approved": _l("approved, to confirm"),
    "offered": _l("offered a seat, to confirm"),
    "registered": _l("registered"),
    "waitlisted": _l("on the waiting list"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
    "cancelled": _l("cancelled"),
    "expired": _l("offer expired"),
    "attended": _l("attended"),
    "no_show": _l("did not attend"),
    "certified": _l("certified"),
}
ACTION_LABELS = {
    "register": _l("Register"),
    "apply": _l("Apply"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "offer": _l("Offer a seat"),
    "promote": _l("Promote from the waiting list"),
    "confirm": _l("Confirm"),
    "withdraw": _l("Withdraw"),
    "cancel": _l("Cancel"),
    "expire": _l("Expire the offer"),
    "mark_attended": _l("Mark as attended"),
    "mark_no_show": _l("Mark as absent"),
    "certify": _l("Certify"),
}


class RegistrationError(ValueError):
    """A refused registration step; the message is translated and meant for the person."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = str(message)


def allowed_actions(state: str | None) -> list[str]:
    """The actions the table allows from ``state`` (None = no registration yet), in table order."""
    origin = NEW if state is None else state
    return [action for action, moves in TRANSITIONS.items() if origin in moves]


def holds_seat(state: str | None) -> bool:
    return state in SEAT_STATES
