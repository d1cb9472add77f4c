#include "ui/desk/walkindialog.h"
#include "ui/desk/walkindialog_p.h"

#include "db/bookings/bookingrepo.h"
#include "db/bookings/bookingrequest.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errorbanner.h"
#include "ui/common/errortext.h"
#include "ui/desk/bookingtext.h"

#include <QButtonGroup>
#include <QFrame>
#include <QLineEdit>
#include <QPushButton>
#include <QUuid>

// Submitting and its outcome: checks that need no database, one
// idempotency key per intent, the booking through the pool, and what each
// outcome shows (the confirmation, field errors, the next free start).

using namespace WalkInForm;

BookingRequest WalkInDialog::bookingRequest() const
{
    BookingRequest request;
    request.slot = currentRequest();
    if (m_proposal && m_proposal->slot) {
        request.start = m_proposal->slot->start;
        if (m_proposal->preset == StartProposal::Preset::Used && m_presetBay)
            request.slot.bayId = m_presetBay->id;
    }
    request.startHasOffset = true;
    request.plate = m_plate->text();
    request.name = m_name->text();
    request.phone = m_phone->text();
    request.email = m_email->text();
    request.actor = m_staff.actor();
    return request;
}

void WalkInDialog::book()
{
    if (m_booking || m_lastBooking)
        return;
    clearFieldErrors();
    if (m_serviceId == 0) {
        // The focus stays where the typing is; Alt and a number choose.
        m_noticeText = tr("Choose a wash first (Alt+1 to Alt+9).");
        showProposal();
        Q_EMIT bookingFailed();
        return;
    }
    // What needs no database is checked here, so a typing mistake costs no
    // round trip; the engine checks everything again.
    BookingRequest check = bookingRequest();
    if (!check.start.isValid())
        check.start = QDateTime::currentDateTimeUtc();
    QList<FieldError> problems;
    for (const FieldError &e : check.normalised().validate()) {
        if (FormFields.contains(e.field))
            problems.append(e);
    }
    const bool onlyNameMissing = !problems.isEmpty() && m_name->text().trimmed().isEmpty()
        && std::all_of(problems.cbegin(), problems.cend(),
                       [](const FieldError &e) { return e.field == u"name"; });
    if (onlyNameMissing && isLookingUp()) {
        // A known plate is about to fill in the name: book once it has.
        m_bookAfterLookup = true;
        m_bookBusy->start(tr("Looking up the plate…"));
        return;
    }
    if (!problems.isEmpty()) {
        showFieldErrors(problems);
        Q_EMIT bookingFailed();
        return;
    }
    if (!m_proposal) {
        // Enter before the next free time arrived: book as soon as it does.
        m_bookWhenReady = true;
        m_bookBusy->start(tr("Finding the next free time…"));
        if (!isFindingSlot())
            findSlot();
        return;
    }
    if (!m_proposal->slot) {
        m_noticeText = tr("There is no free time to book for this wash.");
        showProposal();
        Q_EMIT bookingFailed();
        return;
    }
    bookNow();
}

void WalkInDialog::bookNow()
{
    BookingRequest request = bookingRequest();
    // One key per intent: Enter again, or Retry after the database was
    // away, sends the same key and gets the same booking back; changing
    // any detail makes it a new intent.
    const BookingRequest normalised = request.normalised();
    const QString signature = normalised.requestHash(request.start);
    if (signature != m_intentSignature || m_intentKey.isEmpty()) {
        m_intentSignature = signature;
        m_intentKey = QUuid::createUuid().toString(QUuid::WithoutBraces);
    }
    request.idempotencyKey = m_intentKey;
    m_banner->clear(BookSource);
    setBookingBusy(true);
    auto outcome = m_pool.withRetry(QStringLiteral("booking.create"), RetryPolicy::critical(),
                                    [request](QSqlDatabase &db) { return BookingRepo(db).create(request); });
    Async::onResult(outcome, this, [this](const DbResult<BookingOutcome> &result) {
        setBookingBusy(false);
        if (!result.ok()) {
            qCWarning(lcWalkIn).noquote() << "walk-in not booked:" << result.error().toLogString();
            m_banner->showMessage(BookSource,
                                  tr("The booking was not saved. %1").arg(result.error().message()),
                                  ErrorText::whatToDo(result.error()), [this] { book(); });
            updateButtons();
            Q_EMIT bookingFailed();
            return;
        }
        handleOutcome(result.value());
    });
}

void WalkInDialog::handleOutcome(const BookingOutcome &outcome)
{
    switch (outcome.result) {
    case BookingOutcome::Result::Booked:
    case BookingOutcome::Result::Replayed:
        m_lastBooking = outcome.booking;
        m_intentKey.clear();
        m_intentSignature.clear();
        m_presetBay.reset();
        m_presetStart = QDateTime();
        showConfirmation(outcome.booking);
        qCInfo(lcWalkIn) << "booked" << outcome.booking.id << "by" << m_staff.actor();
        Q_EMIT booked(outcome.booking);
        return;
    case BookingOutcome::Result::Invalid: {
        showFieldErrors(outcome.errors);
        const bool startRefused = std::any_of(outcome.errors.cbegin(), outcome.errors.cend(),
                                              [](const FieldError &e) { return e.field == u"start"; });
        if (startRefused) {
            // The time shown went by (or the rules changed): offer a fresh one.
            const QString kept = m_noticeText;
            m_proposal.reset();
            findSlot();
            m_noticeText = kept;
            showProposal();
        }
        updateButtons();
        Q_EMIT bookingFailed();
        return;
    }
    case BookingOutcome::Result::SlotTaken:
        // The board's choice is gone; whatever is free next on any bay will do.
        m_presetBay.reset();
        m_presetStart = QDateTime();
        if (!outcome.alternatives.isEmpty()) {
            ++m_slotGeneration;
            m_slotDebounce.stop();
            m_findingSlot = false;
            m_slotBusy->stop();
            StartProposal next;
            next.slot = outcome.alternatives.first();
            next.bay = next.slot->bays.first();
            m_proposal = next;
            m_noticeText = tr("That time was just taken. The next free time is shown above; press Enter to "
                              "book it.");
            showProposal();
        } else {
            m_proposal.reset();
            findSlot();
            m_noticeText = tr("That time was just taken. Looking for the next free time…");
            showProposal();
        }
        updateButtons();
        Q_EMIT slotShown();
        Q_EMIT bookingFailed();
        return;
    }
}

void WalkInDialog::showConfirmation(const Booking &booking)
{
    m_confirmationCode->setText(booking.code);
    const QLocale locale = DisplayLocale::get();
    QStringList addons;
    for (const BookedAddon &addon : booking.addons)
        addons << addon.name;
    const QString wash = addons.isEmpty()
        ? tr("%1, %2").arg(booking.serviceName, BookingText::vehicleClass(booking.vehicleClass))
        : tr("%1, %2 + %3")
              .arg(booking.serviceName, BookingText::vehicleClass(booking.vehicleClass),
                   addons.join(QStringLiteral(", ")));
    m_confirmationDetails->setText(tr("%1 on %2, until %3\n%4\n%5 · %6\n%7")
                                       .arg(BookingText::when(booking.start), booking.bay.name,
                                            locale.toString(booking.end.time(), QLocale::ShortFormat), wash,
                                            booking.plate, booking.customerName,
                                            Money::format(booking.priceCents, booking.currency)));
    m_confirmation->setAccessibleDescription(
        tr("Booked, code %1. %2").arg(booking.code, m_confirmationDetails->text()));
    m_confirmation->show();
    m_noticeText.clear();
    m_slot->setText(tr("Booked for %1 on %2").arg(BookingText::when(booking.start), booking.bay.name));
    m_price->setText(tr("Total %1").arg(Money::format(booking.priceCents, booking.currency)));
    m_notice->hide();
    updateButtons();
    m_next->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::showFieldErrors(const QList<FieldError> &errors)
{
    clearFieldErrors();
    QWidget *first = nullptr;
    QStringList elsewhere;
    const QHash<QString, QLineEdit *> fields = {{QStringLiteral("plate"), m_plate},
                                                {QStringLiteral("name"), m_name},
                                                {QStringLiteral("phone"), m_phone},
                                                {QStringLiteral("email"), m_email}};
    for (const QString &field : FormFields) {
        QStringList messages;
        for (const FieldError &e : errors) {
            if (e.field == field)
                messages << e.message;
        }
        if (messages.isEmpty())
            continue;
        QLabel *label = errorLabel(field);
        label->setText(messages.join(u'\n'));
        label->show();
        fields.value(field)->setAccessibleDescription(label->text());
        if (!first)
            first = fields.value(field);
    }
    for (const FieldError &e : errors) {
        if (!FormFields.contains(e.field))
            elsewhere << e.message;
    }
    if (!elsewhere.isEmpty()) {
        m_noticeText = elsewhere.join(u'\n');
        showProposal();
    }
    if (first)
        first->setFocus(Qt::OtherFocusReason);
}

void WalkInDialog::clearFieldErrors()
{
    for (QLabel *label : std::as_const(m_errors)) {
        label->clear();
        label->hide();
    }
    for (QLineEdit *field : {m_plate, m_name, m_phone, m_email})
        field->setAccessibleDescription(QString());
}

void WalkInDialog::setBookingBusy(bool busy)
{
    m_booking = busy;
    if (busy) {
        // Nothing may change the request while it is on its way, and a
        // late "next free" must not replace what is being booked.
        ++m_slotGeneration;
        m_slotDebounce.stop();
        m_findingSlot = false;
        m_slotBusy->stop();
        m_focusBeforeBooking = focusWidget();
        m_bookBusy->start(tr("Booking…"));
    } else {
        m_bookBusy->stop();
    }
    updateButtons();
    if (!busy && m_focusBeforeBooking && m_focusBeforeBooking->isEnabled() && !m_lastBooking)
        m_focusBeforeBooking->setFocus(Qt::OtherFocusReason);
}
