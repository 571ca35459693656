"""What a flow gets: the inbound message, its conversation, the store, and a reply list."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from core.people.binding import BindingLimits
from core.crisis.assess import CrisisAssessor
from core.crisis.folding import BasicFolding
from core.crisis.paging import CrisisRules
from core.concerns.intake import IntakeRules
from core.model import Lane
from core.reception.ports import RecurrenceExpander
from core.reception.reminders import ReceptionRules
from core.ports import ConversationState, IdentityView, Store
from core.privacy.policy import PrivacyRules
from core.privacy.ports import DataExports, StoredFiles
from core.surveys.ports import SurveyFiles
from core.surveys.results import ResultCharts
from core.replies import Button, Reply
from core.types import JSON
from handlers.inbound import Inbound


@dataclass(frozen=True)
class FlowConfig:
    rules: IntakeRules
    binding: BindingLimits
    flood_max: int
    flood_window_seconds: float
    university_name: str
    retention_days: int
    #: when the 回访 of a concern replied at the given time is due (working days)
    revisit_due: Callable[[datetime], datetime] = lambda at: at
    #: crisis wording (core.crisis.assess) and the ladder (core.crisis.case), from [crisis].
    #: The default (small folding table, no classifier) is for tests; the bot passes the
    #: one bot.crisis.factory.build_assessor makes, which refuses to start without a model.
    crisis_assessor: CrisisAssessor = field(default_factory=lambda: CrisisAssessor(
        folding=BasicFolding(), classifier=None))
    crisis_rules: CrisisRules = CrisisRules()
    #: reception reminders and after-session follow-ups, from [reception]
    reception: ReceptionRules = ReceptionRules()
    #: where leaders' calendar-feed links start ([web] base_url); None: no web server
    feed_base_url: str | None = None
    #: reception schedules' recurrence (bot/reception/recurrence.py) for /receptions
    reception_expander: RecurrenceExpander | None = None
    #: the survey files admins may create surveys from in chat ([surveys] folder);
    #: None: creating is the CLI's only
    survey_files: SurveyFiles | None = None
    survey_max_reminders: int = 3
    #: [surveys] min_group; the charts /survey results sends (None: text only)
    survey_min_group: int = 5
    result_charts: ResultCharts | None = None
    #: [privacy] (the notice and /mydata say its times); the upload folder's files for
    #: /mydata and for erasure (None: /mydata is unavailable, erasure leaves files)
    privacy: PrivacyRules = PrivacyRules()
    data_exports: DataExports | None = None
    privacy_files: StoredFiles | None = None


@dataclass
class FlowContext:
    store: Store
    inbound: Inbound
    conv: ConversationState
    identity: IdentityView
    now: datetime
    config: FlowConfig
    replies: list[Reply] = field(default_factory=list)
    lane: Lane = Lane.INTERACTIVE
    #: the one answer to a pressed button (see ``toast`` and ``outgoing``)
    answer: Reply | None = None
    #: the flow asked that this message's stored copy be redacted (``redact_inbound``)
    inbound_redacted: bool = False
    #: every reply to this message is sealed, whoever adds it (``seal_replies``)
    replies_sealed: bool = False

    def say(self, key: str, buttons: tuple[tuple[Button, ...], ...] = (), *,
            edit: bool = False, sealed: bool = False, **params: JSON) -> None:
        """Reply in this chat. ``edit`` replaces the message whose button was pressed;
        ``sealed``: its stored row keeps nothing of it once sent (``Reply.sealed``)."""
        self.say_with(key, params, buttons, edit=edit, sealed=sealed)

    def say_with(self, key: str, params: dict[str, JSON],
                 buttons: tuple[tuple[Button, ...], ...] = (), *, edit: bool = False,
                 sealed: bool = False) -> None:
        """``say`` with the parameters as one dict (a domain error's, say)."""
        edit_of = self.inbound.message_id if edit and self.inbound.kind == "callback" else None
        self.replies.append(Reply(key, params, buttons, edit_of=edit_of, sealed=sealed))

    def redact_inbound(self) -> None:
        """Once this message is handled, its stored copy (the inbox row's payload: text,
        caption, button data, file ids) keeps only what ordering and re-delivery need, and
        the chat's crisis memory forgets its text (the router, ``forget_redacted``). Done
        by the inbox worker in the transaction that marks the row handled, so a message
        whose handling fails or is cut short keeps it for the retry. Replies that echo the
        message should be ``sealed`` (``say(..., sealed=True)``)."""
        self.inbound_redacted = True

    def seal_replies(self) -> None:
        """Seal every reply to this message (``Reply.sealed``), the press's answer and a
        refusal the router adds included: an anonymous answer's whole exchange."""
        self.replies_sealed = True

    def toast(self, key: str | None = None, *, sealed: bool = False, **params: JSON) -> None:
        """Answer a pressed button (Telegram shows a short notice, or just stops spinning).

        A press gets one answer whatever the flow does: a later toast with a text replaces
        an earlier empty one, anything else is dropped, and ``outgoing`` answers a press
        that no flow answered. ``sealed``: as for ``say``.
        """
        if self.inbound.callback_id and (self.answer is None or (key and not self.answer.key)):
            answer = callback_answer(self.inbound, key or "", **params)
            self.answer = replace(answer, sealed=True) if sealed else answer

    def outgoing(self) -> list[Reply]:
        """Everything to send for this inbound: a pressed button's answer first (it only
        stops the spinner, so it need not wait behind the chat's messages), then replies."""
        if self.inbound.callback_id and self.answer is None:
            self.toast()
        out = ([self.answer] if self.answer else []) + self.replies
        return [replace(r, sealed=True) for r in out] if self.replies_sealed else out


def callback_answer(inbound: Inbound, key: str = "", **params: JSON) -> Reply:
    """The answer to a pressed button (an empty key: no text, the spinner just stops)."""
    return Reply(key, params, kind="callback_answer", callback_id=inbound.callback_id)
