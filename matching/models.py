"""Mediation: match proposals, placements, follow-ups, notes and meetings, safeguarding concerns."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from matching.criteria import CRITERIA

_CRITERIA = {criterion.code: criterion for criterion in CRITERIA}


def _weight(code: str) -> models.FloatField:
    """The policy's weight field of a criterion: its label and default come from `matching.criteria`."""
    criterion = _CRITERIA[code]
    return models.FloatField(
        criterion.weight_label,
        default=criterion.default_weight,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )


class ExplanationField(models.JSONField):
    """A proposal's explanation: stored compact (`matching.explain.LAYOUTS`, written by the runs in bulk),
    read as the expanded dict (older rows and hand-made proposals hold the dict itself)."""

    def from_db_value(self, value, expression, connection):
        from matching.explain import explanation_expand

        return explanation_expand(super().from_db_value(value, expression, connection))


class MatchingPolicy(models.Model):
    """The weights of the soft criteria. Versioned: a change saves a new version, and each run records the
    version it used, so a run can always be explained with the weights it had."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    is_active = models.BooleanField(_("in use"), default=False, editable=False)
    # One weight field per criterion, named `Criterion.weight_field`, in the criteria's order (a test
    # holds the two together; labels and defaults come from `matching.criteria`).
    weight_municipality = _weight("municipality")
    weight_language = _weight("language")
    weight_rent = _weight("rent")
    weight_size = _weight("size")
    weight_duration = _weight("duration")
    weight_needs = _weight("needs")
    weight_waiting = _weight("waiting")
    waiting_full_days = models.PositiveSmallIntegerField(
        _("days of waiting that count fully"),
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("A household waiting this long or longer gets the full score for time waiting."),
    )
    reference_rent = models.PositiveIntegerField(
        _("reference rent (EUR a month)"),
        default=600,
        validators=[MinValueValidator(1), MaxValueValidator(100000)],
        help_text=_("Rent scores are relative to the household's maximum rent, or to this when it named none."),
    )
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("matching policy")
        verbose_name_plural = _("matching policies")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True), name="one_active_policy"),
        ]

    def __str__(self) -> str:
        return _("Policy version %(version)s") % {"version": self.version}

    def clean(self) -> None:
        if not any((getattr(self, criterion.weight_field) or 0) > 0 for criterion in CRITERIA):
            raise ValidationError(_("Give at least one criterion a weight above zero."))

    @property
    def weights(self) -> dict[str, float]:
        """Criterion code -> weight."""
        return {criterion.code: float(getattr(self, criterion.weight_field)) for criterion in CRITERIA}


class MatchingRun(models.Model):
    """One run of the matching engine over all households seeking housing and all available offers."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", pgettext_lazy("matching run", "Failed")

    class Trigger(models.TextChoices):
        MANUAL = "manual", _("Started by hand")
        NIGHTLY = "nightly", _("Nightly")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(_("started"), max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    # The nightly run of a day exists once, however often beat fires or the task is delivered.
    nightly_for = models.DateField(_("nightly run of"), null=True, blank=True, unique=True)
    policy = models.ForeignKey(
        MatchingPolicy, verbose_name=_("policy"), null=True, on_delete=models.PROTECT, related_name="runs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households seeking"), default=0)
    offers = models.PositiveIntegerField(_("offers available"), default=0)
    feasible_pairs = models.PositiveIntegerField(_("possible pairs"), default=0)
    kept = models.PositiveIntegerField(_("proposals kept in mediation"), default=0)
    proposals_created = models.PositiveIntegerField(_("new proposals"), default=0)
    total_score = models.FloatField(_("total score"), null=True, blank=True)
    greedy_score = models.FloatField(_("first-come-first-served score"), null=True, blank=True)
    greedy_matched = models.PositiveIntegerField(_("households first-come-first-served would house"), default=0)
    phase_seconds = models.JSONField(_("seconds per phase"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # The lease (see matching.runs): when the run was last handed to the broker, when a worker last
    # started executing it, and how many times one did.
    dispatched_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return _("Matching run %(number)s") % {"number": self.pk}

    @property
    def score_ratio(self) -> float | None:
        if self.total_score is None or not self.greedy_score:
            return None
        return self.total_score / self.greedy_score


class UnmatchedHousehold(models.Model):
    """Why a run found no home for a household: the hard constraint that ruled out most offers."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="unmatched")
    household = models.ForeignKey(
        "sponsorship.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="unmatched_in"
    )
    reason = models.CharField(_("main reason"), max_length=20)
    offers_ruled_out = models.PositiveIntegerField(_("offers it ruled out"), default=0)
    # Offers ruled out by each constraint (an offer can fail several).
    counts = models.JSONField(_("offers ruled out per constraint"), default=dict)

    class Meta:
        verbose_name = _("household without a proposal")
        verbose_name_plural = _("households without a proposal")
        ordering = ["run", "household"]
        constraints = [models.UniqueConstraint(fields=["run", "household"], name="one_reason_per_run_and_household")]

    def __str__(self) -> str:
        return f"{self.household} – {self.reason}"


class RunNotice(models.Model):
    """A caseworker was told of a run's proposals: once per recipient and run, whatever the redeliveries."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="notices")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    proposals = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "recipient"], name="one_notice_per_run_and_recipient")]

    def __str__(self) -> str:
        return f"{self.run} → {self.recipient}"


class MatchProposal(models.Model):
    """One household proposed for one housing offer, from proposal to placement."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved by the caseworker")
        SENT = "sent", _("Sent to the sponsor")
        SPONSOR_ACCEPTED = "sponsor_accepted", _("Accepted by the sponsor")
        SPONSOR_DECLINED = "sponsor_declined", _("Declined by the sponsor")
        BENEFICIARY_ACCEPTED = "beneficiary_accepted", _("Accepted by the household")
        BENEFICIARY_DECLINED = "beneficiary_declined", _("Declined by the household")
        MEETING = "meeting", _("Meeting arranged")
        CONFIRMED = "confirmed", _("Confirmed: placement")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired without an answer")

    class DeclineReason(models.TextChoices):
        LOCATION = "location", _("Location")
        SIZE = "size", _("Size or layout of the home")
        COST = "cost", _("Cost")
        DATES = "dates", _("Dates do not fit")
        HOUSEHOLD_NEEDS = "needs", _("Needs cannot be met")
        FOUND_OTHER = "found_other", _("Found another solution")
        PERSONAL = "personal", _("Personal reasons")
        OTHER = "other", _("Other")

    household = models.ForeignKey(
        "sponsorship.Household", verbose_name=_("household"), on_delete=models.CASCADE, related_name="proposals"
    )
    offer = models.ForeignKey(
        "housing.HousingOffer", verbose_name=_("housing offer"), on_delete=models.PROTECT, related_name="proposals"
    )
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.PROPOSED)
    score = models.FloatField(_("score"), null=True, blank=True)
    explanation = ExplanationField(_("explanation"), default=dict, blank=True)
    decline_reason = models.CharField(
        _("reason for declining"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("details"), blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    awaiting_since = models.DateTimeField(_("waiting for an answer since"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    run = models.ForeignKey(
        MatchingRun,
        verbose_name=_("matching run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    OPEN = [
        Status.PROPOSED,
        Status.APPROVED,
        Status.SENT,
        Status.SPONSOR_ACCEPTED,
        Status.BENEFICIARY_ACCEPTED,
        Status.MEETING,
    ]
    # Statuses in which the proposal waits for someone's answer (reminders and expiry).
    AWAITING = [Status.SENT, Status.SPONSOR_ACCEPTED]

    class Meta:
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="proposal_created_idx"),
            # The caseworker's queues: proposals by status, and those waiting for an answer by since when.
            models.Index(fields=["status", "awaiting_since"], name="proposal_status_idx"),
        ]
        constraints = [
            # A household is proposed for the same offer only once while a proposal is open.
            models.UniqueConstraint(
                fields=["household", "offer"],
                condition=models.Q(
                    status__in=["proposed", "approved", "sent", "sponsor_accepted", "beneficiary_accepted", "meeting"]
                ),
                name="one_open_proposal_per_household_and_offer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.household} ↔ {self.offer}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ProposalTransition(models.Model):
    proposal = models.ForeignKey(
        MatchProposal, verbose_name=_("match proposal"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=MatchProposal.Status.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=MatchProposal.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposal step")
        verbose_name_plural = _("proposal steps")
        ordering = ["proposal", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Placement(models.Model):
    """A household living in an offered home. `slot` keeps an offer from hosting more households than
    it is meant to: the database refuses two active placements in the same slot of the same offer."""

    class Outcome(models.TextChoices):
        OWN_HOUSING = "own_housing", _("Moved to own housing")
        RETURNED = "returned", _("Returned")
        CONFLICT = "conflict", _("Conflict")
        OTHER = "other", _("Other")

    proposal = models.OneToOneField(
        MatchProposal, verbose_name=_("match proposal"), on_delete=models.PROTECT, related_name="placement"
    )
    household = models.ForeignKey(
        "sponsorship.Household", verbose_name=_("household"), on_delete=models.PROTECT, related_name="placements"
    )
    offer = models.ForeignKey(
        "housing.HousingOffer", verbose_name=_("housing offer"), on_delete=models.PROTECT, related_name="placements"
    )
    slot = models.PositiveSmallIntegerField(_("place number"), default=1)
    move_in_date = models.DateField(_("move-in date"))
    agreed_months = models.PositiveSmallIntegerField(
        _("agreed duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    end_date = models.DateField(_("end date"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-move_in_date", "-pk"]
        indexes = [models.Index(fields=["-move_in_date", "-id"], name="placement_move_in_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "slot"],
                condition=models.Q(end_date__isnull=True),
                name="one_active_placement_per_slot",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end_date__isnull=True),
                name="one_active_placement_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("move_in_date")),
                name="placement_ends_after_move_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} @ {self.offer}"

    @property
    def is_active(self) -> bool:
        return self.end_date is None


class FollowUp(models.Model):
    """A follow-up questionnaire of a placement: after 1, 3 and 6 months, answered by the household and by
    the sponsor (six per placement, created when the placement is confirmed). The answers are typed (a
    rating, choices and a list of integration steps) so that the pilot can be evaluated from them; only
    the note is free text."""

    class Respondent(models.TextChoices):
        HOUSEHOLD = "household", _("Household")
        SPONSOR = "sponsor", _("Sponsor")

    class Milestone(models.IntegerChoices):
        ONE_MONTH = 1, _("After 1 month")
        THREE_MONTHS = 3, _("After 3 months")
        SIX_MONTHS = 6, _("After 6 months")

    class HousingCondition(models.TextChoices):
        GOOD = "good", pgettext_lazy("condition of the home", "Good")
        ADEQUATE = "adequate", pgettext_lazy("condition of the home", "Adequate")
        NEEDS_REPAIRS = "needs_repairs", pgettext_lazy("condition of the home", "Needs repairs")
        UNSUITABLE = "unsuitable", pgettext_lazy("condition of the home", "Unsuitable")

    class Relationship(models.TextChoices):
        VERY_GOOD = "very_good", pgettext_lazy("relationship", "Very good")
        GOOD = "good", pgettext_lazy("relationship", "Good")
        DISTANT = "distant", pgettext_lazy("relationship", "Little contact")
        DIFFICULT = "difficult", pgettext_lazy("relationship", "Difficult")
        CONFLICT = "conflict", pgettext_lazy("relationship", "In conflict")

    class IntegrationStep(models.TextChoices):
        SCHOOL = "school", _("School or kindergarten")
        WORK = "work", _("Work")
        LANGUAGE_COURSE = "language_course", _("Language course")
        EMPLOYMENT_SERVICE = "employment_service", _("Registered with the Employment Service")
        HEALTH_CARE = "health_care", _("Registered with a family doctor")
        BANK_ACCOUNT = "bank_account", _("Bank account")
        SOCIAL_SUPPORT = "social_support", _("Social support or benefits")
        COMMUNITY = "community", _("Community activities")

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    respondent = models.CharField(
        _("respondent"), max_length=10, choices=Respondent.choices, default=Respondent.HOUSEHOLD
    )
    milestone = models.PositiveSmallIntegerField(_("milestone"), choices=Milestone.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    rating = models.PositiveSmallIntegerField(
        _("wellbeing and fit (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    housing_condition = models.CharField(
        _("condition of the home"), max_length=20, choices=HousingCondition.choices, blank=True
    )
    relationship = models.CharField(
        _("relationship between the household and the sponsor"),
        max_length=20,
        choices=Relationship.choices,
        blank=True,
    )
    # Codes of `IntegrationStep` the household has taken (a list, so that a step can be added later).
    integration_steps = models.JSONField(_("integration steps taken"), default=list, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["placement", "due_on", "respondent"]
        # The caseworker's queue of follow-ups due: the open ones only, by due date.
        indexes = [models.Index(fields=["due_on"], condition=models.Q(done_on__isnull=True), name="followup_open_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "respondent", "milestone"], name="one_follow_up_per_respondent_and_milestone"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="follow_up_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} – {self.get_respondent_display()}, {self.get_milestone_display()}"

    def clean(self) -> None:
        steps = self.integration_steps
        if not isinstance(steps, list) or any(step not in self.IntegrationStep.values for step in steps):
            raise ValidationError({"integration_steps": _("Choose the integration steps from the list.")})
        if len(set(steps)) != len(steps):
            raise ValidationError({"integration_steps": _("Choose each integration step once.")})

    def get_integration_steps_display(self) -> list[str]:
        labels = dict(self.IntegrationStep.choices)
        return [str(labels.get(step, step)) for step in self.integration_steps or []]


class MediationNote(models.Model):
    """A caseworker's note or a meeting, on a proposal or a placement (visible to that organisation only)."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        MEETING = "meeting", _("Meeting")

    proposal = models.ForeignKey(MatchProposal, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    placement = models.ForeignKey(Placement, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NOTE)
    meeting_at = models.DateTimeField(_("meeting time"), null=True, blank=True)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation note")
        verbose_name_plural = _("mediation notes and meetings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(proposal__isnull=False) | models.Q(placement__isnull=False),
                name="note_on_proposal_or_placement",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class SafeguardingConcern(models.Model):
    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    sponsor = models.ForeignKey(
        "sponsorship.SponsorProfile", verbose_name=_("sponsor"), on_delete=models.CASCADE, related_name="concerns"
    )
    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), null=True, blank=True, on_delete=models.CASCADE, related_name="concerns"
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    note = models.TextField(_("note"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closing_note = models.TextField(_("closing note"), blank=True)

    class Meta:
        verbose_name = _("safeguarding concern")
        verbose_name_plural = _("safeguarding concerns")
        ordering = ["-raised_at"]
        # The caseworker's queue of open concerns.
        indexes = [
            models.Index(fields=["raised_at"], condition=models.Q(closed_at__isnull=True), name="concern_open_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.sponsor}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
