#include "ui/kiosk/payscreen.h"

#include "db/bookings/bookingrepo.h"
#include "db/kiosk/kioskrepo.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/payments/readerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"
#include "ui/kiosk/kioskorder.h"
#include "ui/kiosk/kiosktext.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QPushButton>
#include <QUuid>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcKioskPay, "carwash.ui.kiosk", QtWarningMsg)

// What making the hold came to: the booking (or why not), whether the
// chosen time was taken and the next one held instead, what is owed with
// its tax, and whether and how card payment can be offered.
struct KioskHold
{
    BookingOutcome outcome;
    bool slotWasTaken = false;
    AmountDue due;
    CardPaymentAvailability availability;
    std::optional<CardReader> reader;
};

namespace {

constexpr int PollMs = 1000;
// Holding the next free time after the chosen one was taken, at most this
// often (each a race of its own).
constexpr int HoldAttempts = 3;

} // namespace

PayScreen::PayScreen(KioskOrder &order, QWidget *parent)
    : KioskScreen(parent)
    , m_order(order)
{
    setObjectName(QStringLiteral("kioskPay"));
    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("payNotice"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral("font-weight: bold;"));
    m_notice->hide();
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("paySummary"));
    m_summary->setWordWrap(true);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("payState"));
    m_state->setWordWrap(true);
    m_state->setAlignment(Qt::AlignCenter);
    QFont stateFont = m_state->font();
    stateFont.setPointSizeF(stateFont.pointSizeF() * 1.3);
    stateFont.setBold(true);
    m_state->setFont(stateFont);
    m_qr = new QLabel(this);
    m_qr->setObjectName(QStringLiteral("payQrCode"));
    m_qr->setAlignment(Qt::AlignCenter);
    m_qr->hide();
    m_readerButton = bigButton(QStringLiteral("payOnReader"), this);
    makePrimary(m_readerButton);
    connect(m_readerButton, &QPushButton::clicked, this, [this] { startCard(true); });
    m_phoneButton = bigButton(QStringLiteral("payByPhone"), this);
    connect(m_phoneButton, &QPushButton::clicked, this, [this] { startCard(false); });
    m_tryAgain = bigButton(QStringLiteral("payTryAgain"), this);
    connect(m_tryAgain, &QPushButton::clicked, this, [this] { startCard(m_onReader); });
    m_cancel = bigButton(QStringLiteral("payCancel"), this);
    connect(m_cancel, &QPushButton::clicked, this, &PayScreen::cancelCard);
    m_deskButton = bigButton(QStringLiteral("payAtDesk"), this);
    connect(m_deskButton, &QPushButton::clicked, this, &PayScreen::payAtDesk);

    // One above the other: each a full-width target, however long its text
    // in the customer's language.
    auto *buttons = new QVBoxLayout;
    for (QPushButton *b : {m_readerButton, m_tryAgain, m_phoneButton, m_cancel, m_deskButton})
        buttons->addWidget(b);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(titleLabel());
    layout->addWidget(m_notice);
    layout->addWidget(m_summary);
    layout->addWidget(m_state);
    layout->addWidget(m_qr, 1);
    layout->addStretch(1);
    layout->addLayout(buttons);

    m_poll.setInterval(PollMs);
    connect(&m_poll, &QTimer::timeout, this, &PayScreen::pollNow);
    retranslate();
    updateTitle();
    updateButtons();
}

QString PayScreen::title() const
{
    return tr("Check and pay");
}

QString PayScreen::describe() const
{
    QString what = tr("Paying");
    if (m_order.booking)
        what = tr("Paying for booking %1").arg(m_order.booking->code);
    if (m_progress.state() == CardPaymentProgress::State::Declined)
        what += tr(" (card declined)");
    return what;
}

QString PayScreen::noticeText() const
{
    return m_notice->isVisible() ? m_notice->text() : QString();
}

QString PayScreen::summaryText() const
{
    return m_summary->text();
}

QString PayScreen::stateText() const
{
    return m_state->text();
}

bool PayScreen::paymentInProgress() const
{
    if (!m_paymentId || m_stage == Stage::Paid)
        return false;
    const CardPaymentProgress::State state = m_progress.state();
    if (m_stage == Stage::OnReader)
        return state == CardPaymentProgress::State::Processing;
    if (m_stage == Stage::OnPhone)
        return state == CardPaymentProgress::State::Sending || state == CardPaymentProgress::State::Waiting
            || state == CardPaymentProgress::State::Processing;
    return false;
}

void PayScreen::setStage(Stage stage)
{
    m_stage = stage;
    updateButtons();
    retranslate();
    Q_EMIT stageChanged();
}

void PayScreen::begin(ConnectionPool &pool, const KioskProfile &profile)
{
    m_pool = &pool;
    m_profile = profile;
    const quint64 generation = ++m_generation;
    m_slotWasTaken = false;
    m_paymentId = 0;
    m_requestId = 0;
    m_progress = CardPaymentProgress();
    m_shownUrl.clear();
    m_error.clear();
    m_reader.reset();
    m_cardAvailable = false;
    m_qr->clear();
    m_qr->hide();
    m_order.booking.reset();
    setStage(Stage::Holding);
    if (!m_order.service || !m_order.slot)
        return;

    BookingRequest request;
    request.slot.serviceId = m_order.service->id;
    request.slot.vehicleClass = m_order.vehicleClass;
    request.slot.addonIds = m_order.addonIds;
    request.start = m_order.slot->start;
    request.startHasOffset = true;
    request.plate = m_order.plate;
    request.name = tr("Kiosk customer");
    request.nameForNewCustomerOnly = true;
    request.phone = m_order.phone;
    request.email = m_order.email;
    request.language = m_order.language;
    request.hold = true;
    request.actor = KioskRepo::actorFor(profile.name);
    // One key per attempt: a retried unit of work gets the same hold back.
    request.idempotencyKey
        = QStringLiteral("kiosk-%1").arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString kioskName = profile.name;
    auto made = pool.withRetry(
        QStringLiteral("kiosk.hold"), RetryPolicy::critical(),
        [request, kioskName](QSqlDatabase &db) -> DbResult<KioskHold> {
            KioskHold hold;
            BookingRequest attempt = request;
            for (int i = 0; i < HoldAttempts; ++i) {
                hold.outcome = BookingRepo(db).create(attempt);
                if (hold.outcome.result != BookingOutcome::Result::SlotTaken
                    || hold.outcome.alternatives.isEmpty())
                    break;
                // Taken meanwhile by a desk or another kiosk: the next free time.
                hold.slotWasTaken = true;
                attempt.start = hold.outcome.alternatives.first().start;
                attempt.idempotencyKey = QStringLiteral("%1-next%2").arg(request.idempotencyKey).arg(i + 1);
            }
            if (!hold.outcome.isBooked())
                return hold;
            {
                Transaction tx(db);
                const DbResult<AmountDue> due = PaymentRepo(db).lockDue(hold.outcome.booking.id);
                if (!due.ok())
                    return due.error();
                hold.due = due.value();
                tx.commit();
            }
            hold.availability = CardPaymentRequests(db).availability();
            if (hold.availability.available)
                hold.reader = ReaderRepo(db).forDevice(QStringLiteral("kiosk"), kioskName);
            return hold;
        });
    Async::onResult(made, this, [this, generation](const DbResult<KioskHold> &result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            qCWarning(lcKioskPay).noquote() << "hold not made:" << result.error().toLogString();
            m_error = tr("Your booking could not be made right now.");
            setStage(Stage::Failed);
            Q_EMIT databaseTrouble(result.error());
            return;
        }
        held(result.value());
    });
}

void PayScreen::held(const KioskHold &hold)
{
    if (!hold.outcome.isBooked()) {
        qCWarning(lcKioskPay).noquote() << "hold refused:" << hold.outcome.error().toLogString();
        m_error = hold.outcome.result == BookingOutcome::Result::SlotTaken
            ? tr("Sorry, there is no free time left for this wash today. Touch Back to choose again.")
            : tr("Your booking was refused: %1 Touch Back to change it.")
                  .arg(hold.outcome.errors.isEmpty() ? hold.outcome.error().message()
                                                     : hold.outcome.errors.first().message);
        setStage(Stage::Failed);
        return;
    }
    m_order.booking = hold.outcome.booking;
    m_slotWasTaken = hold.slotWasTaken;
    if (hold.slotWasTaken) {
        PlannedSlot slot;
        slot.start = hold.outcome.booking.start;
        slot.end = hold.outcome.booking.end;
        slot.bays = {hold.outcome.booking.bay};
        m_order.slot = slot;
    }
    m_charge = hold.due.charge;
    m_taxRateBasisPoints = hold.due.taxRateBasisPoints;
    m_pricesIncludeTax = hold.due.pricesIncludeTax;
    m_currency = hold.due.currency;
    m_cardAvailable = hold.availability.available;
    m_unavailableReason = hold.availability.reason;
    m_reader = m_profile.offers(QStringLiteral("reader")) ? hold.reader : std::nullopt;
    setStage(Stage::Choosing);
    // The reader is ready the moment the summary shows: the customer pays
    // by presenting a card, with no touch on the screen.
    if (m_cardAvailable && m_reader)
        startCard(true);
}

void PayScreen::startCard(bool reader)
{
    if (!m_pool || !m_order.booking || m_sending || !m_cardAvailable || m_stage == Stage::Paid)
        return;
    if (reader && !m_reader)
        return;
    if (!reader && !m_profile.offers(QStringLiteral("phone")))
        return;
    m_sending = true;
    m_onReader = reader;
    m_error.clear();
    const quint64 generation = m_generation;
    const qint64 bookingId = m_order.booking->id;
    const QString actor = KioskRepo::actorFor(m_profile.name);
    const QString readerId = m_reader ? m_reader->id : QString();
    const qint64 previous = m_paymentId;
    const QString locale = QLocale().name().section(u'_', 0, 0);
    setStage(reader ? Stage::OnReader : Stage::OnPhone);
    m_paymentId = 0;
    m_progress = CardPaymentProgress();
    m_shownUrl.clear();
    m_qr->clear();
    m_qr->hide();
    retranslate();
    auto asked = m_pool->withRetry(QStringLiteral("kiosk.card"), RetryPolicy::standard(),
                                   [bookingId, actor, readerId, previous, reader,
                                    locale](QSqlDatabase &db) -> DbResult<CardPaymentStart> {
                                       // A declined reader payment stays open at Stripe: a
                                       // new attempt ends it first.
                                       return CardPaymentRequests(db).startAttempt(
                                           bookingId, reader, readerId, locale, actor, previous);
                                   });
    Async::onResult(asked, this, [this, generation](const DbResult<CardPaymentStart> &result) {
        m_sending = false;
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            qCWarning(lcKioskPay).noquote() << "card payment not started:" << result.error().toLogString();
            m_error = tr("The card payment could not be started: %1").arg(result.error().message());
            setStage(Stage::Choosing);
            return;
        }
        m_paymentId = result->paymentId;
        m_requestId = result->requestId;
        m_poll.start();
        pollNow();
    });
}

void PayScreen::pollNow()
{
    if (!m_pool || !m_paymentId || m_polling)
        return;
    m_polling = true;
    const quint64 generation = m_generation;
    const qint64 paymentId = m_paymentId;
    const qint64 requestId = m_requestId;
    auto read = m_pool->withRetry(QStringLiteral("kiosk.card.progress"), RetryPolicy::standard(),
                                  [paymentId, requestId](QSqlDatabase &db) {
                                      return CardPaymentProgress::read(db, paymentId, requestId);
                                  });
    Async::onResult(read, this, [this, generation, paymentId](const DbResult<CardPaymentProgress> &result) {
        m_polling = false;
        if (generation != m_generation || paymentId != m_paymentId)
            return;
        if (!result.ok()) {
            qCWarning(lcKioskPay).noquote() << "card state not read:" << result.error().toLogString();
            Q_EMIT databaseTrouble(result.error());
            return; // the next tick tries again
        }
        show(result.value());
    });
}

void PayScreen::show(const CardPaymentProgress &progress)
{
    m_progress = progress;
    const CardPaymentProgress::State state = progress.state();
    if (progress.isFinal())
        m_poll.stop();
    if (state == CardPaymentProgress::State::Paid) {
        setStage(Stage::Paid);
        Booking booking = *m_order.booking;
        booking.status = QStringLiteral("confirmed");
        Q_EMIT finished(booking, true);
        return;
    }
    if (!m_onReader) {
        const QString url = progress.checkoutUrl();
        if (state == CardPaymentProgress::State::Waiting && !url.isEmpty() && url != m_shownUrl) {
            m_shownUrl = url;
            m_qr->setPixmap(QPixmap::fromImage(QrCodeImage::render(url, 6)));
            m_qr->setAccessibleName(tr("QR code to pay on your phone"));
            m_qr->show();
        } else if (state != CardPaymentProgress::State::Waiting
                   && state != CardPaymentProgress::State::Processing) {
            m_qr->clear();
            m_qr->hide();
        }
    }
    updateButtons();
    retranslate();
    Q_EMIT stageChanged();
}

void PayScreen::cancelCard()
{
    if (!m_pool || !m_paymentId || m_sending)
        return;
    m_sending = true;
    const qint64 paymentId = m_paymentId;
    const QString actor = KioskRepo::actorFor(m_profile.name);
    auto ended = m_pool->withRetry(
        QStringLiteral("kiosk.card.cancel"), RetryPolicy::standard(),
        [paymentId, actor](QSqlDatabase &db) { return CardPaymentRequests(db).cancel(paymentId, actor); });
    Async::onResult(ended, this, [this](const DbResult<qint64> &result) {
        m_sending = false;
        if (!result.ok())
            // Most often paid or ended meanwhile: the poll shows which.
            qCWarning(lcKioskPay).noquote() << "card payment not cancelled:" << result.error().toLogString();
        pollNow();
    });
}

void PayScreen::payAtDesk()
{
    if (!m_pool || !m_order.booking || m_cardAvailable || !m_profile.offers(QStringLiteral("desk")))
        return;
    setStage(Stage::Finishing);
    const quint64 generation = m_generation;
    const QString code = m_order.booking->code;
    const QString actor = KioskRepo::actorFor(m_profile.name);
    auto confirmed = m_pool->withRetry(
        QStringLiteral("kiosk.payatdesk"), RetryPolicy::critical(), [code, actor](QSqlDatabase &db) {
            return BookingRepo(db).changeStatus(code, QStringLiteral("confirmed"), actor,
                                                QStringLiteral("kiosk: to be paid at the desk"));
        });
    Async::onResult(confirmed, this, [this, generation](const DbResult<Booking> &result) {
        if (generation != m_generation)
            return;
        if (!result.ok()) {
            m_error = tr("Your booking could not be confirmed: %1").arg(result.error().message());
            setStage(Stage::Choosing);
            Q_EMIT databaseTrouble(result.error());
            return;
        }
        m_order.booking = result.value();
        setStage(Stage::Paid);
        Q_EMIT finished(result.value(), false);
    });
}

void PayScreen::leave()
{
    ++m_generation; // answers still on their way are for nobody now
    m_poll.stop();
    m_sending = false;
    m_polling = false;
    const bool release
        = m_pool && m_order.booking && m_order.booking->status == u"held" && m_stage != Stage::Paid;
    if (release) {
        const qint64 bookingId = m_order.booking->id;
        const QString actor = KioskRepo::actorFor(m_profile.name);
        auto released = m_pool->withRetry(
            QStringLiteral("kiosk.release"), RetryPolicy::critical(), [bookingId, actor](QSqlDatabase &db) {
                return KioskRepo(db).releaseHold(bookingId, actor, QStringLiteral("left the pay screen"));
            });
        Async::onResult(released, this, [](const DbResult<KioskRelease> &result) {
            // Not the customer's problem: a hold that stays runs out by
            // itself, and the next start releases it too.
            if (!result.ok())
                qCWarning(lcKioskPay).noquote() << "hold not released:" << result.error().toLogString();
        });
    }
    m_order.booking.reset();
    m_paymentId = 0;
    m_requestId = 0;
    m_progress = CardPaymentProgress();
    m_shownUrl.clear();
    m_qr->clear();
    m_qr->hide();
    m_error.clear();
    m_stage = Stage::Idle;
    updateButtons();
    retranslate();
}

void PayScreen::updateButtons()
{
    const CardPaymentProgress::State state = m_progress.state();
    const bool ended = state == CardPaymentProgress::State::Declined
        || state == CardPaymentProgress::State::Failed || state == CardPaymentProgress::State::Cancelled
        || state == CardPaymentProgress::State::Expired;
    const bool underWay = m_paymentId && !ended && state != CardPaymentProgress::State::Paid;
    const bool choosing
        = m_stage == Stage::Choosing || m_stage == Stage::OnReader || m_stage == Stage::OnPhone;
    const bool processing = state == CardPaymentProgress::State::Processing;
    m_readerButton->setVisible(choosing && m_cardAvailable && m_reader && m_stage != Stage::OnReader);
    m_tryAgain->setVisible(choosing && m_paymentId && m_stage == Stage::OnReader && ended);
    m_phoneButton->setVisible(choosing && m_cardAvailable && m_profile.offers(QStringLiteral("phone"))
                              && m_stage != Stage::OnPhone && !processing);
    m_cancel->setVisible(choosing && underWay && !processing
                         && !(m_progress.payment && m_progress.payment->status != u"pending"));
    m_deskButton->setVisible(m_stage == Stage::Choosing && !m_cardAvailable
                             && m_profile.offers(QStringLiteral("desk")));
}

QString PayScreen::progressText() const
{
    const bool reader = m_onReader;
    switch (m_progress.state()) {
    case CardPaymentProgress::State::Sending:
        return reader ? tr("Getting the card reader ready…") : tr("Preparing your payment link…");
    case CardPaymentProgress::State::Waiting:
        return reader ? tr("Tap, insert or swipe your card on the reader.")
                      : tr("Waiting for your payment on your phone: scan the code with your phone's camera.");
    case CardPaymentProgress::State::Processing:
        return tr("Processing your payment… please wait.");
    case CardPaymentProgress::State::Declined:
        // Not Stripe's reason: it is in English whatever the customer's
        // language, and says what the desk's staff see in the booking.
        return tr("Your card was declined. Try again with another card, or pay with your phone.");
    case CardPaymentProgress::State::Failed:
        return tr("The card payment did not go through. Try again, or choose another way to pay.");
    case CardPaymentProgress::State::Cancelled:
        return tr("The payment was cancelled; nothing was charged. Choose how to pay.");
    case CardPaymentProgress::State::Expired:
        return tr("The payment link ran out unpaid. Choose how to pay.");
    case CardPaymentProgress::State::Paid:
        return tr("Paid. Thank you!");
    }
    return {};
}

void PayScreen::retranslate()
{
    // The time taken meanwhile is said, never shown as an error.
    m_notice->setVisible(m_slotWasTaken && m_order.booking);
    if (m_slotWasTaken && m_order.booking)
        m_notice->setText(
            tr("The time you chose was just taken, so we are holding the next free time for you: "
               "%1.")
                .arg(KioskText::slot(*m_order.slot, QDateTime::currentDateTime())));
    if (m_order.booking) {
        const Booking &b = *m_order.booking;
        QStringList lines;
        lines << tr("%1 for your %2").arg(b.serviceName, KioskText::vehicleClass(b.vehicleClass));
        for (const BookedAddon &addon : b.addons)
            lines << tr("+ %1").arg(addon.name);
        lines << tr("%1 at %2, plate %3").arg(KioskText::time(b.start), b.bay.name, b.plate);
        const QString rate = QLocale().toString(m_taxRateBasisPoints / 100.0, 'f', 2);
        const QString tax = Money::format(m_charge.taxCents, m_currency);
        lines << (m_pricesIncludeTax ? tr("Tax (%1 %) included: %2").arg(rate, tax)
                                     : tr("Tax (%1 %): %2").arg(rate, tax));
        lines << tr("Total: %1").arg(Money::format(m_charge.totalCents, m_currency));
        m_summary->setText(lines.join(u'\n'));
        m_summary->setAccessibleName(lines.join(QStringLiteral(". ")));
    } else {
        m_summary->clear();
    }
    QString state;
    switch (m_stage) {
    case Stage::Idle:
        break;
    case Stage::Holding:
        state = tr("Holding your time…");
        break;
    case Stage::Failed:
        state = m_error;
        break;
    case Stage::Finishing:
        state = tr("Confirming your booking…");
        break;
    case Stage::Choosing:
        if (!m_error.isEmpty())
            state = m_error;
        else if (!m_cardAvailable)
            state = m_profile.offers(QStringLiteral("desk"))
                ? tr("Card payment is not available right now. You can book now and pay at the desk.")
                : tr("Card payment is not available right now. Please see the desk.");
        else
            state = tr("How would you like to pay?");
        break;
    case Stage::OnReader:
    case Stage::OnPhone:
        state = m_error.isEmpty() ? progressText() : m_error;
        break;
    case Stage::Paid:
        state = progressText();
        break;
    }
    m_state->setText(state);
    m_state->setAccessibleName(state);
    const QString total = Money::format(m_charge.totalCents, m_currency);
    setSpoken(m_readerButton, tr("Pay by card here"), tr("Pay %1 by card on this kiosk's reader").arg(total));
    setSpoken(m_phoneButton, tr("Pay with your phone"), tr("Pay %1 with your phone, by QR code").arg(total));
    setSpoken(m_tryAgain, tr("Try again"), tr("Try the card reader again"));
    setSpoken(m_cancel, tr("Cancel payment"), tr("Cancel the payment under way"));
    setSpoken(m_deskButton, tr("Book now, pay at the desk"),
              tr("Book now and pay %1 at the desk").arg(total));
}
