"""Web forms: they check the shape of input; rules that depend on state live in workflow."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..dbtypes import MAX_ID
from ..i18n import DEFAULT_LOCALE, LANGUAGES, _, _l, status_label
from ..models import RatingLabel
from ..states import MailDelivery, NotificationKind, Role, WebhookEvent, WebhookFormat
from ..workflow import WorkflowError

ROLE_CHOICES = [SelectChoice(role.value, status_label(role)) for role in Role]


def record_id(value) -> int:
    """Coerce a posted record id; a number no id column can hold is not a valid choice."""
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise ValueError(value)
    return number


def _finite(value):
    # "NaN" and "sNaN" parse as Decimals; sNaN even makes NumberRange raise. Neither is a number.
    return None if isinstance(value, Decimal) and not value.is_finite() else value


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class LogoutForm(FlaskForm):
    """Only a CSRF token: logging out changes state, so it is a POST."""


def _new_password_fields():
    password = PasswordField(
        _("New password"),
        validators=[DataRequired(), Length(max=1024)],
        description=_l("At least 12 characters. A passphrase of several words works well."),
    )
    confirm = PasswordField(
        _("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_("The passwords differ."))],
    )
    return password, confirm


class SetupForm(FlaskForm):
    display_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password, confirm = _new_password_fields()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password, confirm = _new_password_fields()
    revoke_tokens = BooleanField(
        _l("Also revoke my API tokens"),
        description=_l("Do this if a token may have been copied along with your password."))


class InvitationForm(FlaskForm):
    password, confirm = _new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])


class PasswordResetForm(FlaskForm):
    password, confirm = _new_password_fields()


MAIL_DELIVERY_CHOICES = [
    SelectChoice(MailDelivery.IMMEDIATE.value, _l("By e-mail at once")),
    SelectChoice(MailDelivery.DIGEST.value, _l("In a daily digest")),
    SelectChoice(MailDelivery.OFF.value, _l("Not by e-mail")),
]
MAIL_KIND_LABELS = {
    NotificationKind.ASSIGNED: _l("A claim is assigned to me"),
    NotificationKind.UNASSIGNED: _l("I am taken off a claim"),
    NotificationKind.SENT_BACK: _l("A claim I review is sent back"),
    NotificationKind.READY_FOR_DECISION: _l("A claim I can decide is ready for decision"),
    NotificationKind.DECIDED: _l("A claim I review is decided"),
    NotificationKind.PUBLISHED: _l("A claim I review is published"),
    NotificationKind.CORRECTED: _l("A check I worked on is corrected"),
    NotificationKind.REPORT: _l("A reader sends a report"),
    NotificationKind.MENTION: _l("Someone mentions me in a discussion"),
    NotificationKind.DUE_TOMORROW: _l("A review of mine is due tomorrow"),
    NotificationKind.OVERDUE: _l("A review of mine is overdue (once a day)"),
}


def mail_preferences_form(**kwargs) -> FlaskForm:
    """A form with one choice of delivery per kind of notification (fields named by kind)."""

    class MailPreferencesForm(FlaskForm):
        pass

    for kind in NotificationKind:
        label = MAIL_KIND_LABELS.get(kind, kind.value)
        setattr(MailPreferencesForm, kind.value, SelectField(
            label, choices=MAIL_DELIVERY_CHOICES, default=MailDelivery.IMMEDIATE.value))
    return MailPreferencesForm(**kwargs)


class UserCreateForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.REVIEWER.value)
    password = PasswordField(
        _l("Initial password"),
        validators=[Optional(), Length(max=1024)],
        description=_l("Leave empty to create an invitation link the person uses to choose one."),
    )


class UserEditForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    is_active = BooleanField(_l("Active (may sign in)"))
    version = HiddenField()  # of the account the administrator saw


def _http_url(form, field) -> None:
    if field.data and not field.data.lower().startswith(("http://", "https://")):
        raise ValidationError(_("Use an http:// or https:// address."))


class ArticleImportForm(FlaskForm):
    """A new article from pasted text, an uploaded file or a web address (one of the three)."""

    text = TextAreaField(_l("Paste the article text"), validators=[Optional()])
    file = FileField(_l("or upload a file"),
                     description=_l("Plain text (.txt), Markdown (.md) or a web page (.html), "
                                   "UTF-8."))
    url = URLField(_l("or import from a web address"),
                   validators=[Optional(), Length(max=2048), URL(require_tld=False), _http_url])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)],
                        description=_l("Taken from the page when importing from a web address."))
    outlet = StringField(_l("Outlet"), validators=[Optional(), Length(max=200)])
    author = StringField(_l("Author"), validators=[Optional(), Length(max=200)])
    source_url = URLField(_l("Link to the original article"),
                          validators=[Optional(), Length(max=2048), URL(require_tld=False),
                                      _http_url])
    published_on = DateField(_l("Publication date"), validators=[Optional()])
    language = StringField(_l("Language code"), validators=[Optional(), Length(max=16)],
                           description=_l("For example en, fa (Dari), ps (Pashto). Detected "
                                         "when left empty."))

    def validate(self, extra_validators=None) -> bool:
        """Exactly one source of text must be given."""
        ok = super().validate(extra_validators)
        sources = [bool(self.text.data and self.text.data.strip()),
                   bool(self.file.data and getattr(self.file.data, "filename", "")),
                   bool(self.url.data)]
        if sum(sources) != 1:
            self.text.errors = [*self.text.errors, _(
                "Give the article in exactly one way: paste it, upload a file, or enter a "
                "web address.")]
            return False
        return ok


class ClaimReviewUploadForm(FlaskForm):
    """A ClaimReview feed file to import (JSON or JSON-LD)."""

    file = FileField(_l("ClaimReview feed"),
                     description=_l("A JSON or JSON-LD file: one ClaimReview, a list, an "
                                    "@graph, or a schema.org DataFeed."))

    def validate(self, extra_validators=None) -> bool:
        """A file must be chosen."""
        ok = super().validate(extra_validators)
        if not (self.file.data and getattr(self.file.data, "filename", "")):
            self.file.errors = [*self.file.errors, _("Choose a file to import.")]
            return False
        return ok


class ArticleTextForm(FlaskForm):
    body = TextAreaField(_l("Article text"), validators=[InputRequired()])
    version = HiddenField()


class ClaimEditForm(FlaskForm):
    text = TextAreaField(_l("Claim as it will be checked"),
                         validators=[DataRequired(), Length(max=2000)])
    short_claim = StringField(
        _l("Short claim"), validators=[Optional(), Length(
            max=140, message=_l("The short claim can have at most {n} characters.", n=140))],
        description=_l("The claim in a few of its own words: the heading readers see on the "
                       "verdict page and the claimReviewed of its ClaimReview. Aim for 75 "
                       "characters at most (140 is the limit). Left empty: the proposal made "
                       "from the claim's words."))
    claimant = StringField(_l("Who made the claim"), validators=[Optional(), Length(max=200)])
    claim_date = DateField(_l("When the claim was made"), validators=[Optional()])
    version = HiddenField()
    correction_note = TextAreaField(
        _l("Correction note (public)"), validators=[Optional(), Length(max=2000)],
        description=_l("Readers already see this claim. To change its wording or who made it, "
                      "say what changed and why: the note is published, dated, on the "
                      "verdict page and at /corrections."))


class ClaimSplitForm(FlaskForm):
    before = StringField(_l("Split before these words"), validators=[DataRequired(),
                                                                    Length(max=500)])
    version = HiddenField()


class ClaimStatusForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])
    version = HiddenField()


class ClaimAddForm(FlaskForm):
    quote = TextAreaField(_l("Exact words from the article"),
                          validators=[DataRequired(), Length(max=5000)])
    occurrence = IntegerField(_l("Which occurrence"), default=1,
                              validators=[Optional(), NumberRange(min=1, max=1000)],
                              description=_l("If the words appear more than once: 1 for the "
                                            "first place, 2 for the second, …"))


class BulkSelectForm(FlaskForm):
    min_score = DecimalField(_l("Select every candidate scoring at least"), places=2,
                             validators=[InputRequired(), NumberRange(min=0, max=1)],
                             filters=[_finite])


class ActionForm(FlaskForm):
    """A button that changes state: CSRF token and the record version only."""

    version = HiddenField()


class EvidenceForm(FlaskForm):
    url = URLField(_l("Source address"), validators=[DataRequired(), Length(max=2048),
                                                    URL(require_tld=False), _http_url])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=300)])
    publisher = StringField(_l("Publisher"), validators=[Optional(), Length(max=200)])
    published_on = DateField(_l("Published on"), validators=[Optional()])
    accessed_on = DateField(_l("Accessed on"), validators=[Optional()],
                            description=_l("Defaults to today."))
    quote = TextAreaField(_l("Quote or excerpt"), validators=[Optional(), Length(max=5000)])
    stance = SelectField(_l("What the source does"), choices=[
        SelectChoice("supports", _l("Supports the claim")),
        SelectChoice("refutes", _l("Refutes the claim")),
        SelectChoice("context", _l("Gives context")),
    ], default="context")
    archive_url = URLField(_l("Archived copy"), validators=[Optional(), Length(max=2048),
                                                          URL(require_tld=False), _http_url],
                           description=_l("For example a Wayback Machine snapshot."))
    note = TextAreaField(_l("Note for the team"), validators=[Optional(), Length(max=5000)])
    cite_new = BooleanField(_l("Cite it in my verdict"), default=True)
    version = HiddenField()


class ReviewForm(FlaskForm):
    rating = SelectField(_l("Rating"), validators=[Optional()], validate_choice=False)
    rationale = TextAreaField(
        _l("Rationale"), validators=[Optional(), Length(max=20000)],
        description=_l("Seen by the editors and, once you submit, by the other reviewers. "
                       "Not published as written: the editor writes the public reasoning and "
                       "may quote yours. Markdown allowed: **bold**, *italic*, lists, links."))
    confidence = SelectField(_l("Confidence"), choices=[
        SelectChoice("low", _l("Low")), SelectChoice("medium", _l("Medium")),
        SelectChoice("high", _l("High"))], default="medium")
    evidence = SelectMultipleField(_l("Evidence this verdict relies on"), coerce=record_id,
                                   validate_choice=False, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    version = HiddenField()


class CommentForm(FlaskForm):
    body = TextAreaField(_l("Comment"), validators=[DataRequired(), Length(max=5000)])


class ConflictForm(FlaskForm):
    reason = StringField(_l("What is the conflict?"), validators=[DataRequired(),
                                                               Length(max=500)])
    whole_article = BooleanField(_l("The conflict concerns the whole article"))


class AssignForm(FlaskForm):
    claims = SelectMultipleField(_l("Claims"), coerce=record_id, validate_choice=False)
    # One or several reviewers at once (each gets every ticked claim); none preselected.
    reviewer = SelectMultipleField(_l("Reviewers"), coerce=record_id, validate_choice=False,
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput())
    due_on = DateField(_l("Due date"), validators=[Optional()])


class DecisionForm(FlaskForm):
    rating = SelectField(_l("Final rating"), validators=[Optional()], validate_choice=False)
    summary = TextAreaField(_l("Conclusion for readers"),
                            validators=[DataRequired(), Length(max=5000)],
                            description=_l("Shown on the public verdict page. Markdown allowed."))
    public_reasoning = TextAreaField(
        _l("Published reasoning"), validators=[Optional(), Length(max=40000)],
        description=_l("Public: shown on the verdict page under \"The reasoning\". It starts "
                       "as the reviewers' rationales, which are never published as such: edit "
                       "it freely, or empty it to publish no reasoning. Markdown allowed."))
    version = HiddenField()  # of the decision the editor saw (0: none yet)
    correction_note = TextAreaField(
        _l("Correction note"), validators=[Optional(), Length(max=2000)],
        description=_l("Needed when the verdict is already published: what changed and why. "
                      "It is shown, dated, on the public page."))


class SendBackForm(FlaskForm):
    note = TextAreaField(_l("What should the reviewers look at again?"),
                         validators=[DataRequired(), Length(max=5000)])


def show_workflow_error(form: FlaskForm, error: WorkflowError) -> None:
    """Show a workflow error next to its field, or as a flash message if it has none."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def rating_choices(labels: Iterable[RatingLabel]) -> list[tuple[str, str]]:
    """A scale's labels as the choices of a rating select, after "choose"."""
    return [("", _("— choose —"))] + [(label.key, label.name) for label in labels]


class ScaleForm(FlaskForm):
    """The name and description of an editable rating scale."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)],
                                description=_l("Shown to reviewers and editors with the scale."))
    version = HiddenField(id="scale-version")


class ScaleCopyForm(FlaskForm):
    """Copy a scale; an empty name gives “Copy of …”."""

    name = StringField(_l("Name of the copy"), id="copy-name",
                       validators=[Optional(), Length(max=120)])


class LabelForm(FlaskForm):
    """One label of a rating scale; an empty value makes it non-ordinal (“Unverifiable”).

    The ids are prefixed so that the form can share a page with ScaleForm; the field
    names (what is posted) are not.
    """

    key = StringField(_l("Key"), id="label-key", validators=[DataRequired(), Length(max=40)],
                      description=_l("Stored and exported: lowercase letters, digits and "
                                    "hyphens, e.g. mostly-true."))
    name = StringField(_l("Name"), id="label-name", validators=[DataRequired(), Length(max=80)],
                       description=_l("The verdict as readers see it."))
    # A text input (not type=number) shows back exactly what was typed when it is refused.
    value = IntegerField(_l("Numeric value"), id="label-value", widget=StringField.widget,
                         render_kw={"inputmode": "numeric"},
                         validators=[Optional(), NumberRange(min=1, max=100)],
                         description=_l("1 for the least accurate verdict, higher for more "
                                       "accurate ones; used for ClaimReview ratingValue and for "
                                       "agreement statistics. Leave empty for a verdict outside "
                                       "the order, such as Unverifiable."))
    colour = StringField(_l("Colour"), id="label-colour", default="#5f6b7a",
                         validators=[DataRequired(), Length(max=7)],
                         description=_l("# and six hexadecimal digits, e.g. #1b6e2e; dark "
                                       "enough to read on white. Always shown with the symbol "
                                       "and name."))
    symbol = StringField(_l("Symbol"), id="label-symbol", validators=[Optional(), Length(max=8)],
                         description=_l("A short text sign shown with the colour, e.g. ✔ or ?."))
    description = TextAreaField(_l("Description"), id="label-description",
                                validators=[Optional(), Length(max=500)],
                                description=_l("What this verdict means, for reviewers and "
                                              "readers."))
    version = HiddenField(id="label-version")  # of the label being edited; unused when adding


class WorkflowSettingsForm(FlaskForm):
    reviews_required = IntegerField(
        _l("Independent reviews required per claim"), validators=[InputRequired(),
                                                                 NumberRange(min=1, max=5)],
        description=_l("An editor can decide a claim once this many reviews are submitted."))
    allow_self_assign = BooleanField(_l("Reviewers may pick up selected claims themselves"))
    evidence_visibility = SelectField(
        _l("Reviewers see each other's evidence"), choices=[
            SelectChoice("after_submitting", _l("After submitting their own verdict")),
            SelectChoice("always", _l("Always"))],
        default="after_submitting",
        description=_l("A source and its stance (supports, refutes) show how a colleague "
                       "leans: hiding them keeps the verdicts independent. Editors always "
                       "see all the evidence."))


class ReaderReportForm(FlaskForm):
    # The choices are the published snapshot's claim numbers (by their words): a number
    # that is not on the live check fails validation.
    claim = SelectField(_l("About"))
    message = TextAreaField(_l("What is wrong, or which claim should we check?"),
                            validators=[DataRequired(), Length(max=4000)])
    contact = EmailField(_l("Your email (optional)"), validators=[Optional(), Email(),
                                                                 Length(max=254)],
                         description=_l("Only if you want us to reply. We never publish it."))


class ReportReplyForm(FlaskForm):
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("Your reply"), validators=[DataRequired(), Length(max=10000)],
                         description=_l("Sent by e-mail to the reader, from the desk's name."))


class OrganisationForm(FlaskForm):
    org_name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=120)])
    org_url = URLField(_l("Organisation website"),
                       validators=[Optional(), Length(max=2048), URL(require_tld=False),
                                   _http_url],
                       description=_l("Used as the author of the ClaimReview markup. Empty: "
                                     "this site."))
    org_logo_url = URLField(_l("Logo address"),
                            validators=[Optional(), Length(max=2048), URL(require_tld=False),
                                        _http_url])
    org_contact = StringField(_l("Contact for readers"), validators=[Optional(),
                                                                  Length(max=254)])
    methodology = TextAreaField(_l("Methodology"), validators=[Optional(), Length(max=20000)],
                                description=_l("How you choose and check claims. Markdown."))
    default_locale = SelectField(
        _l("Default language of the interface"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        default=DEFAULT_LOCALE,
        description=_l("For readers and users whose browser asks for none of the languages "
                       "above; each user can choose their own."))
    corrections_policy = TextAreaField(_l("Corrections policy"),
                                       validators=[Optional(), Length(max=20000)],
                                       description=_l("When and how you correct. Markdown."))


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language of the interface"), validators=[Optional()],
                         description=_l("Pages and e-mails to you use this language. "
                                        "Articles keep their own language."))


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[Optional(), Length(max=100)],
                       description=_l("For example: CMS integration."))


WEBHOOK_EVENT_CHOICES = [
    SelectChoice(WebhookEvent.CHECK_PUBLISHED.value, _l("A check is published or republished")),
    SelectChoice(WebhookEvent.CHECK_UNPUBLISHED.value, _l("A check is unpublished")),
    SelectChoice(WebhookEvent.CHECK_CORRECTED.value, _l("A published claim is corrected")),
    SelectChoice(WebhookEvent.CLAIM_READY_FOR_DECISION.value,
                 _l("A claim is ready for decision (its required reviews are in)")),
    SelectChoice(WebhookEvent.REPORT_RECEIVED.value, _l("A reader sends a report")),
]


class WebhookForm(FlaskForm):
    """A webhook: where to POST, which events, in which format."""

    name = StringField(_l("Name"), validators=[Optional(), Length(max=100)],
                       description=_l("What it is for, e.g. Desk channel on Slack."))
    url = URLField(_l("Payload address"),
                   validators=[DataRequired(), Length(max=2048), URL(require_tld=False),
                               _http_url],
                   description=_l("An http:// or https:// address that accepts POST requests. "
                                 "Redirects are not followed."))
    events = SelectMultipleField(
        _l("Events"), choices=WEBHOOK_EVENT_CHOICES, widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one event."))])
    format = SelectField(_l("Format"), choices=[
        SelectChoice(WebhookFormat.JSON.value, _l("JSON, signed (for a CMS or your own code)")),
        SelectChoice(WebhookFormat.SLACK.value,
                     _l("Slack-compatible message: {\"text\": …} (also Mattermost, "
                       "Rocket.Chat)"))], default=WebhookFormat.JSON.value)
    active = BooleanField(_l("Active (sends deliveries)"), default=True)
    version = HiddenField()  # of the webhook the administrator saw; unused when adding


class CiteMatchForm(FlaskForm):
    """Cite an earlier check marked as the same claim: the stance offered from its verdict."""

    stance = SelectField(_l("What the earlier check does"), choices=[
        SelectChoice("supports", _l("Supports the claim")),
        SelectChoice("refutes", _l("Refutes the claim")),
        SelectChoice("context", _l("Gives context"))], default="context")
    note = TextAreaField(_l("Note for the reviewers"), validators=[Optional(), Length(max=2000)])
