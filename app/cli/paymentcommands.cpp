#include "app/cli/paymentcommands.h"

#include "app/cli/admincli.h"
#include "db/bookings/bookingrepo.h"
#include "db/bookings/confirmationcode.h"
#include "db/payments/cardpaymentrequests.h"
#include "db/payments/paymentrepo.h"
#include "db/pool/connectionpool.h"
#include "db/pool/fielderror.h"
#include "db/text/bookingwords.h"
#include "db/text/decimalinput.h"
#include "db/text/isotime.h"
#include "db/text/money.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>

namespace {

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QJsonValue timeOrNull(const QDateTime &at)
{
    return at.isValid() ? QJsonValue(IsoTime::format(at)) : QJsonValue(QJsonValue::Null);
}

QJsonObject paymentJson(const Payment &p)
{
    return {{QStringLiteral("id"), p.id},
            {QStringLiteral("method"), p.method},
            {QStringLiteral("status"), p.status},
            {QStringLiteral("amount_cents"), p.amountCents},
            {QStringLiteral("refunded_cents"), p.refundedCents},
            {QStringLiteral("currency"), p.currency},
            {QStringLiteral("stripe_checkout_session_id"), textOrNull(p.stripeCheckoutSessionId)},
            {QStringLiteral("stripe_payment_intent_id"), textOrNull(p.stripePaymentIntentId)},
            {QStringLiteral("stripe_terminal_reader_id"), textOrNull(p.stripeReaderId)},
            {QStringLiteral("checkout_url"), textOrNull(p.checkoutUrl)},
            {QStringLiteral("attention"), textOrNull(p.attention)},
            {QStringLiteral("created_at"), timeOrNull(p.createdAt)},
            {QStringLiteral("paid_at"), timeOrNull(p.paidAt)}};
}

QJsonObject refundJson(const RefundPart &r)
{
    return {
        {QStringLiteral("refund_id"), r.refundId},
        {QStringLiteral("payment_id"), r.paymentId},
        {QStringLiteral("method"), r.method},
        {QStringLiteral("status"), r.status},
        {QStringLiteral("amount_cents"), r.amountCents},
        {QStringLiteral("currency"), r.currency},
        {QStringLiteral("request_id"), r.requestId ? QJsonValue(r.requestId) : QJsonValue(QJsonValue::Null)}};
}

// The server's answer may carry expires_at as Stripe does (Unix seconds) or
// already as text.
QString expiresText(const QJsonValue &value)
{
    if (value.isDouble())
        return IsoTime::format(QDateTime::fromSecsSinceEpoch(value.toInteger(), QTimeZone::utc()));
    return value.toString();
}

} // namespace

int PaymentCommands::run(const QStringList &args)
{
    const QString usageLine
        = AdminCli::tr("payment checkout ID|CODE [--wait SECONDS] [--json] | payment show ID|CODE [--json] | "
                       "payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS] [--json] | "
                       "payment reconcile [--wait SECONDS] [--json]");
    QCommandLineParser parser;
    const QCommandLineOption amountOption(QStringLiteral("amount"), AdminCli::tr("in the currency's units"),
                                          QStringLiteral("amount"));
    const QCommandLineOption reasonOption(QStringLiteral("reason"), AdminCli::tr("why"),
                                          QStringLiteral("text"));
    const QCommandLineOption waitOption(QStringLiteral("wait"),
                                        AdminCli::tr("seconds to wait for carwash-server"),
                                        QStringLiteral("seconds"));
    parser.addOptions({amountOption, reasonOption, waitOption});
    if (!m_cli.parseCommand(parser, QStringLiteral("payment"), args, usageLine))
        return Invalid;
    const QStringList words = parser.positionalArguments();
    const QString sub = words.value(0);
    const bool needsBooking = sub == u"checkout" || sub == u"show" || sub == u"refund";
    if ((needsBooking && words.size() != 2) || (sub == u"reconcile" && words.size() != 1)
        || (!needsBooking && sub != u"reconcile"))
        return m_cli.invalid(AdminCli::tr("Usage: carwash-admin %1").arg(usageLine));
    if (sub != u"refund" && (parser.isSet(amountOption) || parser.isSet(reasonOption)))
        return m_cli.invalid(
            AdminCli::tr("--amount and --reason go with payment refund. Usage: carwash-admin %1")
                .arg(usageLine));
    int waitSeconds = DefaultWaitSeconds;
    if (parser.isSet(waitOption)) {
        bool ok = false;
        waitSeconds = parser.value(waitOption).toInt(&ok);
        if (!ok || waitSeconds < 1 || waitSeconds > 600)
            return m_cli.invalidFields({{QStringLiteral("wait"),
                                         AdminCli::tr("--wait takes whole seconds from 1 to 600, not \"%1\".")
                                             .arg(parser.value(waitOption))}});
    }
    if (sub == u"reconcile")
        return reconcile(waitSeconds);
    const QString which = words[1].trimmed();
    static const QRegularExpression numeric(QStringLiteral("^[0-9]{1,18}$"));
    if (!numeric.match(which).hasMatch() && !ConfirmationCode::looksLikeCode(which))
        return m_cli.invalidFields(
            {{QStringLiteral("booking"),
              AdminCli::tr("\"%1\" is neither a booking ID (a number) nor a confirmation code (6 letters and "
                           "digits).")
                  .arg(which)}});
    if (sub == u"checkout")
        return checkout(which, waitSeconds);
    if (sub == u"show")
        return show(which);
    std::optional<qint64> amount;
    if (parser.isSet(amountOption)) {
        // Like every amount typed at the command line: C's point, exact cents.
        const QString text = parser.value(amountOption);
        const DecimalInput::Result read = DecimalInput::parse(text, QLocale::c(), 2);
        if (!read.ok() || read.units == 0)
            return m_cli.invalidFields(
                {{QStringLiteral("amount"),
                  read.ok() ? AdminCli::tr("--amount must be more than nothing, such as 12.50.")
                            : DecimalInput::problemText(read.problem, text, QLocale::c(), 2, 1250)}});
        amount = read.units;
    }
    return refund(which, amount, parser.value(reasonOption).trimmed(), waitSeconds);
}

int PaymentCommands::failPayment(const QString &message)
{
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("error"),
                          QJsonObject {{QStringLiteral("kind"), QStringLiteral("payment")},
                                       {QStringLiteral("message"), message}}}})
                    << '\n'
                    << Qt::flush;
    m_cli.err() << message << '\n' << Qt::flush;
    return PaymentServer;
}

std::optional<Booking> PaymentCommands::findBooking(const QString &which, int *rc)
{
    if ((*rc = m_cli.openPool(true)) != Ok)
        return std::nullopt;
    auto found = m_cli.pool()
                     .withRetry(QStringLiteral("booking.get"), RetryPolicy::standard(),
                                [which](QSqlDatabase &db) { return BookingRepo(db).find(which); })
                     .result();
    if (!found.ok()) {
        *rc = m_cli.failWith(found.error());
        return std::nullopt;
    }
    if (!found->has_value()) {
        *rc = m_cli.failWith(DbError(DbError::Kind::NotFound,
                                     AdminCli::tr("There is no booking with ID or code \"%1\".").arg(which)));
        return std::nullopt;
    }
    return **found;
}

bool PaymentCommands::serverRunning(int *rc)
{
    auto availability
        = m_cli.pool()
              .withRetry(QStringLiteral("payment.availability"), RetryPolicy::standard(),
                         [](QSqlDatabase &db) { return CardPaymentRequests(db).availability(); })
              .result();
    if (!availability.ok()) {
        *rc = m_cli.failWith(availability.error());
        return false;
    }
    if (!availability->available) {
        *rc = failPayment(availability->reason);
        return false;
    }
    return true;
}

std::optional<PaymentRequestState> PaymentCommands::await(qint64 requestId, int waitSeconds, int *rc)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        auto polled = m_cli.pool()
                          .withRetry(QStringLiteral("payment.request"), RetryPolicy::standard(),
                                     [requestId](QSqlDatabase &db) {
                                         return CardPaymentRequests(db).request(requestId);
                                     })
                          .result();
        if (!polled.ok()) {
            *rc = m_cli.failWith(polled.error());
            return std::nullopt;
        }
        if (!polled->has_value()) {
            *rc = m_cli.failWith(
                DbError(DbError::Kind::NotFound, AdminCli::tr("Payment request %1 is gone.").arg(requestId)));
            return std::nullopt;
        }
        const PaymentRequestState &request = **polled;
        if (request.failed()) {
            const QString stripe = request.errorMessage.isEmpty() ? request.errorCode : request.errorMessage;
            *rc = failPayment(AdminCli::tr("The payment server could not do it: %1").arg(stripe));
            return std::nullopt;
        }
        if (request.isAnswered())
            return request;
        if (waited.elapsed() >= qint64(waitSeconds) * 1000) {
            *rc = failPayment(
                AdminCli::tr("No carwash-server answering: request %1 got no answer within %2 s. It "
                             "stays queued and is carried out when a server picks it up; check "
                             "carwash-admin health.")
                    .arg(requestId)
                    .arg(waitSeconds));
            return std::nullopt;
        }
        QThread::msleep(PollMs);
    }
}

int PaymentCommands::checkout(const QString &which, int waitSeconds)
{
    int rc = Ok;
    const std::optional<Booking> booking = findBooking(which, &rc);
    if (!booking || !serverRunning(&rc))
        return rc;
    const qint64 bookingId = booking->id;
    auto started = m_cli.pool()
                       .withRetry(QStringLiteral("payment.checkout"), RetryPolicy::critical(),
                                  [bookingId](QSqlDatabase &db) {
                                      return CardPaymentRequests(db).startCheckout(bookingId,
                                                                                   QStringLiteral("cli"), {});
                                  })
                       .result();
    if (!started.ok())
        return m_cli.failWith(started.error());
    QJsonObject result;
    if (started->requestId) {
        const std::optional<PaymentRequestState> answer = await(started->requestId, waitSeconds, &rc);
        if (!answer)
            return rc;
        result = answer->result;
    }
    const qint64 paymentId = started->paymentId;
    auto payment = m_cli.pool()
                       .withRetry(QStringLiteral("payment.get"), RetryPolicy::standard(),
                                  [paymentId](QSqlDatabase &db) { return PaymentRepo(db).byId(paymentId); })
                       .result();
    if (!payment.ok())
        return m_cli.failWith(payment.error());
    const Payment &p = **payment;
    // The server's answer first; the payment row as it recorded it after.
    const QString session = result.value(QStringLiteral("session_id")).toString(p.stripeCheckoutSessionId);
    const QString url = result.value(QStringLiteral("url")).toString(p.checkoutUrl);
    // The expiry in the site's zone from the row; the answer's (UTC) without one.
    const QString expires = p.checkoutExpiresAt.isValid()
        ? IsoTime::format(p.checkoutExpiresAt)
        : expiresText(result.value(QStringLiteral("expires_at")));
    if (url.isEmpty())
        return failPayment(AdminCli::tr("The payment server answered without a Checkout link for payment %1.")
                               .arg(paymentId));
    if (m_cli.json()) {
        m_cli.out() << CliContext::jsonText(QJsonObject {{QStringLiteral("payment_id"), p.id},
                                                         {QStringLiteral("session_id"), session},
                                                         {QStringLiteral("url"), url},
                                                         {QStringLiteral("expires_at"), expires},
                                                         {QStringLiteral("amount_cents"), p.amountCents},
                                                         {QStringLiteral("currency"), p.currency},
                                                         {QStringLiteral("status"), p.status}})
                    << '\n';
    } else {
        m_cli.out() << AdminCli::tr("Checkout for booking %1: %2, payment %3 (%4)")
                           .arg(booking->code, Money::format(p.amountCents, p.currency))
                           .arg(p.id)
                           .arg(BookingWords::paymentStatus(p.status))
                    << '\n'
                    << "  " << url << '\n'
                    << "  " << AdminCli::tr("session %1, open until %2").arg(session, expires) << '\n';
    }
    m_cli.out() << Qt::flush;
    return Ok;
}

int PaymentCommands::show(const QString &which)
{
    int rc = Ok;
    const std::optional<Booking> booking = findBooking(which, &rc);
    if (!booking)
        return rc;
    const qint64 bookingId = booking->id;
    auto payments
        = m_cli.pool()
              .withRetry(QStringLiteral("payment.list"), RetryPolicy::standard(),
                         [bookingId](QSqlDatabase &db) { return PaymentRepo(db).forBooking(bookingId); })
              .result();
    if (!payments.ok())
        return m_cli.failWith(payments.error());
    QJsonArray array;
    for (const Payment &p : payments.value()) {
        array.append(paymentJson(p));
        if (m_cli.json())
            continue;
        m_cli.out() << QStringLiteral("%1  %2  %3  %4")
                           .arg(p.id, 6)
                           .arg(BookingWords::paymentMethod(p.method), -14)
                           .arg(BookingWords::paymentStatus(p.status), -18)
                           .arg(Money::format(p.amountCents, p.currency));
        if (p.refundedCents)
            m_cli.out() << "  "
                        << AdminCli::tr("refunded %1").arg(Money::format(p.refundedCents, p.currency));
        if (p.paidAt.isValid())
            m_cli.out() << "  " << AdminCli::tr("paid %1").arg(IsoTime::format(p.paidAt));
        const QString stripeId
            = !p.stripePaymentIntentId.isEmpty() ? p.stripePaymentIntentId : p.stripeCheckoutSessionId;
        if (!stripeId.isEmpty())
            m_cli.out() << "  " << stripeId;
        if (!p.attention.isEmpty())
            m_cli.out() << "  " << AdminCli::tr("needs attention: %1").arg(p.attention);
        m_cli.out() << '\n';
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(array) << '\n';
    else if (payments->isEmpty())
        m_cli.out() << AdminCli::tr("Booking %1 has no payments.").arg(booking->code) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int PaymentCommands::refund(const QString &which, std::optional<qint64> amountCents, const QString &reason,
                            int waitSeconds)
{
    int rc = Ok;
    const std::optional<Booking> booking = findBooking(which, &rc);
    if (!booking)
        return rc;
    auto availability
        = m_cli.pool()
              .withRetry(QStringLiteral("payment.availability"), RetryPolicy::standard(),
                         [](QSqlDatabase &db) { return CardPaymentRequests(db).availability(); })
              .result();
    if (!availability.ok())
        return m_cli.failWith(availability.error());
    const bool cardAllowed = availability->available;
    const qint64 bookingId = booking->id;
    auto refunded
        = m_cli.pool()
              .withRetry(QStringLiteral("payment.refund"), RetryPolicy::critical(),
                         [=](QSqlDatabase &db) {
                             return CardPaymentRequests(db).refundBooking(bookingId, amountCents, reason,
                                                                          QStringLiteral("cli"), cardAllowed);
                         })
              .result();
    if (!refunded.ok())
        return m_cli.failWith(refunded.error());
    if (refunded->blockedForCard)
        return failPayment(
            AdminCli::tr("%1 Nothing was refunded: the refund goes to a card.").arg(availability->reason));
    // Card refunds are carried out by the server; wait for each.
    for (const qint64 requestId : refunded->requestIds()) {
        if (!await(requestId, waitSeconds, &rc))
            return rc;
    }
    QJsonArray parts;
    for (const RefundPart &part : refunded->parts) {
        const qint64 refundId = part.refundId;
        auto now = m_cli.pool()
                       .withRetry(QStringLiteral("payment.refund_get"), RetryPolicy::standard(),
                                  [refundId](QSqlDatabase &db) {
                                      return CardPaymentRequests(db).refundById(refundId);
                                  })
                       .result();
        if (!now.ok())
            return m_cli.failWith(now.error());
        const RefundPart &r = now->value_or(part);
        parts.append(refundJson(r));
        if (!m_cli.json())
            m_cli.out() << AdminCli::tr("Refund %1: %2 %3 of payment %4 (%5)")
                               .arg(r.refundId)
                               .arg(Money::format(r.amountCents, r.currency),
                                    r.method == u"cash" ? AdminCli::tr("in cash")
                                                        : AdminCli::tr("to the card"))
                               .arg(r.paymentId)
                               .arg(BookingWords::paymentStatus(r.status))
                        << '\n';
    }
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(
            QJsonObject {{QStringLiteral("booking_id"), bookingId},
                         {QStringLiteral("code"), booking->code},
                         {QStringLiteral("total_cents"), refunded->totalCents},
                         {QStringLiteral("currency"), refunded->currency},
                         {QStringLiteral("refunds"), parts}})
                    << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}

int PaymentCommands::reconcile(int waitSeconds)
{
    int rc = m_cli.openPool(true);
    if (rc != Ok || !serverRunning(&rc))
        return rc;
    auto asked = m_cli.pool()
                     .withRetry(QStringLiteral("payment.reconcile"), RetryPolicy::critical(),
                                [](QSqlDatabase &db) {
                                    return CardPaymentRequests(db).requestReconcile(QStringLiteral("cli"));
                                })
                     .result();
    if (!asked.ok())
        return m_cli.failWith(asked.error());
    const std::optional<PaymentRequestState> answer = await(asked.value(), waitSeconds, &rc);
    if (!answer)
        return rc;
    if (m_cli.json())
        m_cli.out() << CliContext::jsonText(QJsonObject {{QStringLiteral("request_id"), answer->id},
                                                         {QStringLiteral("status"), answer->status},
                                                         {QStringLiteral("result"), answer->result}})
                    << '\n';
    else
        m_cli.out() << AdminCli::tr("Reconciled (request %1).").arg(answer->id) << '\n';
    m_cli.out() << Qt::flush;
    return Ok;
}
