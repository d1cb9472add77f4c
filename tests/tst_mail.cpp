// Confirmation e-mails end to end: bookings confirmed, moved and cancelled
// in a real PostgreSQL fill mail_outbox (its trigger), carwash-server as a
// process sends them to a real SMTP server (python3-aiosmtpd), and Python's
// own e-mail parser reads what arrived.
#include "db/bookings/bookingrepo.h"
#include "db/payments/paymentrepo.h"
#include "db/text/isotime.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/smtpsink.h"
#include "tests/serverpaymentfixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTest>

namespace {

constexpr int MailWaitMs = 60000;
const QString Sender = QStringLiteral("bookings@wash.example");

// The first part of that content type in a summary, or an empty object.
QJsonObject part(const QJsonObject &message, const QString &contentType)
{
    for (const QJsonValue &p : message[u"parts"].toArray()) {
        if (p[u"content_type"].toString() == contentType)
            return p.toObject();
    }
    return {};
}

QString utc(const QDateTime &instant)
{
    return instant.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

} // namespace

class TestMail : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();
    void aConfirmedBookingSendsOneMailInTheCustomersLanguage();
    void aCustomerWithoutEmailGetsNothing();
    void movedAndCancelledSendTheirVariants();
    void aPaidHoldSendsItsConfirmationOnce();
    void aBookingMadeOnlineIsConfirmedInTheRequestsLanguage();
    void aMailServerThatIsDownDelaysMailButLosesNone();
    void twoServersNeverSendOneMailTwice();
    void aRefusedRecipientEndsAsFailedWithItsError();
    void withoutSmtpSettingsMailWaitsAndTheServerSaysSoOnce();
    void theCommandLineSetsMailUpAndTheServerLogsInWithTheEnvironmentsPassword();
    void aForgottenCustomersWaitingMailIsNeverSent();

private:
    void configureMail(int port);
    BookingOutcome bookWithEmail(const QString &localTime, const QString &plate, const QString &email,
                                 const QString &language = {}, bool hold = false);
    bool startMailServer(ServerProcess &server);
    QString outboxField(qint64 bookingId, const QString &field, const QString &kind = {});

    SmtpSink m_sink;
};

void TestMail::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(QStringLiteral("tst_mail"));
    startStripe();
}

void TestMail::init()
{
    resetCatalogue();
    sql(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'mail.%'"));
    m_sink.stop();
    m_sink.clear();
}

void TestMail::cleanup()
{
    m_sink.stop();
}

void TestMail::cleanupTestCase()
{
    m_stripe.stop();
    stopEngine();
}

void TestMail::configureMail(int port)
{
    sql(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('mail.smtp_host', '127.0.0.1'), "
                       "('mail.smtp_port', '%1'), ('mail.smtp_security', 'none'), ('mail.from', '%2') "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
            .arg(port)
            .arg(Sender));
}

BookingOutcome TestMail::bookWithEmail(const QString &localTime, const QString &plate, const QString &email,
                                       const QString &language, bool hold)
{
    BookingRequest r = request(m_f.wash, localTime, plate);
    r.email = email;
    r.language = language;
    r.hold = hold;
    const BookingOutcome outcome = book(r);
    if (outcome.result != BookingOutcome::Result::Booked)
        qWarning("not booked at %s", qPrintable(localTime));
    return outcome;
}

bool TestMail::startMailServer(ServerProcess &server)
{
    QString error;
    if (!server.start(serverEnvironment(), {}, &error) || !server.waitUntilHealthy(&error)) {
        qWarning("%s", qPrintable(error + server.log()));
        return false;
    }
    return true;
}

QString TestMail::outboxField(qint64 bookingId, const QString &field, const QString &kind)
{
    return text(QStringLiteral("SELECT COALESCE(string_agg(%1::text, ',' ORDER BY id), '') FROM mail_outbox "
                               "WHERE booking_id = %2 %3")
                    .arg(field)
                    .arg(bookingId)
                    .arg(kind.isEmpty() ? QString() : QStringLiteral("AND kind = '%1'").arg(kind)));
}

void TestMail::aConfirmedBookingSendsOneMailInTheCustomersLanguage()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    const BookingOutcome booked = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("MAIL1"),
                                                QStringLiteral("jana@example.org"), QStringLiteral("de"));
    QCOMPARE(booked.booking.status, QStringLiteral("confirmed"));
    QCOMPARE(text(QStringLiteral("SELECT language FROM bookings WHERE id = %1").arg(booked.booking.id)),
             QStringLiteral("de"));
    const QString code = booked.booking.code;

    QTRY_COMPARE_WITH_TIMEOUT(outboxField(booked.booking.id, QStringLiteral("status")),
                              QStringLiteral("sent"), MailWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    const QJsonObject message = m_sink.messages().constFirst();
    QCOMPARE(message[u"rcpt_tos"].toArray(), QJsonArray {QStringLiteral("jana@example.org")});
    QCOMPARE(message[u"mail_from"].toString(), Sender);
    QCOMPARE(message[u"subject"].toString(), QStringLiteral("Buchung bestätigt: %1 bei Car wash").arg(code));
    QCOMPARE(message[u"content_language"].toString(), QStringLiteral("de"));
    QCOMPARE(message[u"defects"].toArray(), QJsonArray());
    QVERIFY(!message[u"bare_lf"].toBool());
    QVERIFY(message[u"longest_line"].toInt() <= 998);
    QVERIFY(message[u"message_id"].toString().endsWith(QStringLiteral("@wash.example>")));

    const QString plain = part(message, QStringLiteral("text/plain"))[u"text"].toString();
    QVERIFY2(plain.contains(QStringLiteral("Bestätigungscode: ") + code), qPrintable(plain));
    QVERIFY2(plain.contains(QStringLiteral("Fahrzeug: Pkw, MAIL1")), qPrintable(plain));
    QVERIFY(part(message, QStringLiteral("text/html"))[u"text"].toString().contains(code));

    const QJsonObject png = part(message, QStringLiteral("image/png"));
    QVERIFY(png[u"png"].toBool());
    QCOMPARE(png[u"disposition"].toString(), QStringLiteral("inline"));
    QCOMPARE(png[u"content_id"].toString(), QStringLiteral("<qr@wash.example>"));

    const QJsonObject calendar = part(message, QStringLiteral("text/calendar"));
    QCOMPARE(calendar[u"disposition"].toString(), QStringLiteral("attachment"));
    QCOMPARE(calendar[u"ics_method_param"].toString(), QStringLiteral("REQUEST"));
    QVERIFY(calendar[u"ics_longest_line"].toInt() <= 75);
    const QJsonObject ics = calendar[u"ics"].toObject();
    QCOMPARE(ics[u"METHOD"].toString(), QStringLiteral("REQUEST"));
    QCOMPARE(ics[u"DTSTART"].toString(), utc(booked.booking.start));
    QCOMPARE(ics[u"DTEND"].toString(), utc(booked.booking.end));
    QCOMPARE(ics[u"SEQUENCE"].toString(), QStringLiteral("0"));
    QVERIFY(ics[u"UID"].toString().contains(code));

    // Exactly one, however often the server looks again (it polls twice a
    // second here).
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("attempts")), QStringLiteral("1"));
    QTest::qWait(2000);
    QCOMPARE(m_sink.messages().size(), 1);
    QCOMPARE(server.terminate(), 0);
    // No personal data in the log: the booking's code only.
    QVERIFY(!server.log().contains(QStringLiteral("jana@example.org")));
    QVERIFY(server.log().contains(code));
}

void TestMail::aCustomerWithoutEmailGetsNothing()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    const BookingOutcome silent
        = bookWithEmail(QStringLiteral("09:00"), QStringLiteral("NOMAIL1"), QString());
    QCOMPARE(silent.booking.status, QStringLiteral("confirmed"));
    // A later booking with an address: its message arriving shows the
    // sender has looked at the queue after the first one.
    const BookingOutcome told
        = bookWithEmail(QStringLiteral("11:00"), QStringLiteral("MAIL2"), QStringLiteral("ole@example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(m_sink.messages().constFirst()[u"rcpt_tos"].toArray(),
             QJsonArray {QStringLiteral("ole@example.org")});
    QCOMPARE(outboxField(silent.booking.id, QStringLiteral("id")), QString());
    const auto cancelled = run(QStringLiteral("cancel"), [id = silent.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("cancelled"),
                                            QStringLiteral("cli"), {});
    });
    QVERIFY2(cancelled.ok(), describe(cancelled).constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM mail_outbox")), 1);
    QCOMPARE(outboxField(told.booking.id, QStringLiteral("kind")), QStringLiteral("confirmed"));
}

void TestMail::movedAndCancelledSendTheirVariants()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    // No language of its own: the site's (mail.language, English by default).
    const BookingOutcome booked
        = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("MOVE1"), QStringLiteral("sam@example.org"));
    const QString code = booked.booking.code;
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(m_sink.messages().at(0)[u"subject"].toString(),
             QStringLiteral("Booking confirmed: %1 at Car wash").arg(code));
    const QString uid
        = part(m_sink.messages().at(0), QStringLiteral("text/calendar"))[u"ics"][u"UID"].toString();

    const DbResult<BookingOutcome> moved = reschedule(booked.booking.id, QStringLiteral("14:00"));
    QVERIFY2(moved.ok(), moved.ok() ? "" : qPrintable(moved.error().message()));
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 2, MailWaitMs);
    const QJsonObject second = m_sink.messages().at(1);
    QCOMPARE(second[u"subject"].toString(),
             QStringLiteral("New time for your booking %1 at Car wash").arg(code));
    const QJsonObject movedIcs = part(second, QStringLiteral("text/calendar"))[u"ics"].toObject();
    QCOMPARE(movedIcs[u"UID"].toString(), uid);
    QCOMPARE(movedIcs[u"SEQUENCE"].toString(), QStringLiteral("1"));
    QCOMPARE(movedIcs[u"DTSTART"].toString(), utc(at(QStringLiteral("14:00"))));
    QVERIFY(part(second, QStringLiteral("image/png"))[u"png"].toBool());

    // Paid (cash at the desk), then cancelled: the refund is mentioned.
    const auto paid = run(QStringLiteral("cash"), [id = booked.booking.id](QSqlDatabase &db) {
        return PaymentRepo(db).recordCash(id, 5000, QStringLiteral("staff:2"));
    });
    QVERIFY2(paid.ok(), describe(paid).constData());
    const auto cancelled = run(QStringLiteral("cancel"), [id = booked.booking.id](QSqlDatabase &db) {
        return BookingRepo(db).changeStatus(QString::number(id), QStringLiteral("cancelled"),
                                            QStringLiteral("staff:2"), QStringLiteral("customer called"));
    });
    QVERIFY2(cancelled.ok(), describe(cancelled).constData());
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 3, MailWaitMs);
    const QJsonObject third = m_sink.messages().at(2);
    QCOMPARE(third[u"subject"].toString(),
             QStringLiteral("Cancelled: your booking %1 at Car wash").arg(code));
    const QJsonObject calendar = part(third, QStringLiteral("text/calendar"));
    QCOMPARE(calendar[u"ics_method_param"].toString(), QStringLiteral("CANCEL"));
    QCOMPARE(calendar[u"ics"][u"METHOD"].toString(), QStringLiteral("CANCEL"));
    QCOMPARE(calendar[u"ics"][u"STATUS"].toString(), QStringLiteral("CANCELLED"));
    QCOMPARE(calendar[u"ics"][u"UID"].toString(), uid);
    QCOMPARE(calendar[u"ics"][u"SEQUENCE"].toString(), QStringLiteral("2"));
    QVERIFY(part(third, QStringLiteral("image/png")).isEmpty());
    const QString plain = part(third, QStringLiteral("text/plain"))[u"text"].toString();
    QVERIFY2(plain.contains(QStringLiteral("You paid $10.00 for this booking; it is refunded")),
             qPrintable(plain));
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("kind")),
             QStringLiteral("confirmed,moved,cancelled"));
}

void TestMail::aPaidHoldSendsItsConfirmationOnce()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    // A kiosk hold: nothing to confirm yet.
    const BookingOutcome held = bookWithEmail(QStringLiteral("12:00"), QStringLiteral("HOLD1"),
                                              QStringLiteral("kim@example.org"), QStringLiteral("es"), true);
    QCOMPARE(held.booking.status, QStringLiteral("held"));
    QCOMPARE(outboxField(held.booking.id, QStringLiteral("id")), QString());

    // Paid: Stripe's event confirms it through the payment path.
    const qint64 payment
        = cardPayment(held.booking.id, QStringLiteral("stripe_checkout"), QStringLiteral("mail1"));
    const StripeUpdate paid = paidSession(payment, QStringLiteral("mail1"));
    QCOMPARE(deliver(QStringLiteral("evt_mail1"), QStringLiteral("checkout.session.completed"), paid).result,
             StripeEventOutcome::Result::Applied);
    QCOMPARE(deliver(QStringLiteral("evt_mail1"), QStringLiteral("checkout.session.completed"), paid).result,
             StripeEventOutcome::Result::Duplicate);
    QCOMPARE(reconcile(paid).result, StripeEventOutcome::Result::Unchanged);
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(m_sink.messages().constFirst()[u"subject"].toString(),
             QStringLiteral("Reserva confirmada: %1 en Car wash").arg(held.booking.code));
    QTRY_COMPARE_WITH_TIMEOUT(outboxField(held.booking.id, QStringLiteral("status")), QStringLiteral("sent"),
                              MailWaitMs);
    QTest::qWait(2000);
    QCOMPARE(m_sink.messages().size(), 1);
}

void TestMail::aBookingMadeOnlineIsConfirmedInTheRequestsLanguage()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    const QJsonObject body {{QStringLiteral("service"), m_f.wash},
                            {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("15:00")))},
                            {QStringLiteral("vehicle"), QStringLiteral("car")},
                            {QStringLiteral("plate"), QStringLiteral("WEB 1")},
                            {QStringLiteral("name"), QStringLiteral("Dana Online")},
                            {QStringLiteral("email"), QStringLiteral("dana@example.com")}};
    const ServerProcess::Response made = server.send(
        "POST", QStringLiteral("/api/bookings"), QJsonDocument(body).toJson(QJsonDocument::Compact),
        {{"Content-Type", "application/json"}, {"Accept-Language", "de-DE,de;q=0.9,en;q=0.5"}});
    QVERIFY2(made.status == 201, made.body.constData());
    const QString code = made.json().object().value(QStringLiteral("code")).toString();
    const qint64 id = count(QStringLiteral("SELECT id FROM bookings WHERE code = '%1'").arg(code));
    QCOMPARE(text(QStringLiteral("SELECT status || ' ' || language FROM bookings WHERE id = %1").arg(id)),
             QStringLiteral("held de"));

    const qint64 payment = cardPayment(id, QStringLiteral("stripe_checkout"), QStringLiteral("web1"));
    QCOMPARE(deliver(QStringLiteral("evt_web1"), QStringLiteral("checkout.session.completed"),
                     paidSession(payment, QStringLiteral("web1")))
                 .result,
             StripeEventOutcome::Result::Applied);
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(m_sink.messages().constFirst()[u"subject"].toString(),
             QStringLiteral("Buchung bestätigt: %1 bei Car wash").arg(code));
}

void TestMail::aMailServerThatIsDownDelaysMailButLosesNone()
{
    configureMail(m_sink.port()); // nothing listens there yet
    ServerProcess server;
    QVERIFY(startMailServer(server));
    const BookingOutcome booked
        = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("DOWN1"), QStringLiteral("lee@example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(outboxField(booked.booking.id, QStringLiteral("attempts")), QStringLiteral("1"),
                              MailWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(!outboxField(booked.booking.id, QStringLiteral("last_error")).isEmpty(),
                             MailWaitMs);
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("status")), QStringLiteral("pending"));
    // Backed off: due again a minute after the failure.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM mail_outbox WHERE next_attempt_at > now() + "
                                  "interval '30 seconds' AND lease_owner IS NULL")),
             1);

    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    // The minute passes (the test does not wait for it).
    sql(QStringLiteral("UPDATE mail_outbox SET next_attempt_at = now()"));
    QTRY_COMPARE_WITH_TIMEOUT(outboxField(booked.booking.id, QStringLiteral("status")),
                              QStringLiteral("sent"), MailWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("attempts")), QStringLiteral("2"));
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("last_error")), QString());
    QTest::qWait(2000);
    QCOMPARE(m_sink.messages().size(), 1);
}

void TestMail::twoServersNeverSendOneMailTwice()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess first;
    ServerProcess second;
    QVERIFY(startMailServer(first));
    QVERIFY(startMailServer(second));

    QSet<QString> codes;
    const QStringList times {QStringLiteral("09:00"), QStringLiteral("09:30"), QStringLiteral("10:00"),
                             QStringLiteral("10:30"), QStringLiteral("11:00"), QStringLiteral("11:30"),
                             QStringLiteral("12:00"), QStringLiteral("12:30"), QStringLiteral("13:00"),
                             QStringLiteral("13:30"), QStringLiteral("14:00"), QStringLiteral("14:30")};
    for (int i = 0; i < times.size(); ++i) {
        const BookingOutcome b = bookWithEmail(times.at(i), QStringLiteral("TWO%1").arg(i),
                                               QStringLiteral("c%1@example.org").arg(i));
        QCOMPARE(b.result, BookingOutcome::Result::Booked);
        codes.insert(b.booking.code);
    }
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM mail_outbox WHERE status = 'sent'")),
                              qint64(times.size()), MailWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), int(times.size()), MailWaitMs);
    QTest::qWait(2000);
    const QList<QJsonObject> messages = m_sink.messages();
    QCOMPARE(messages.size(), int(times.size()));
    QSet<QString> received;
    for (const QJsonObject &m : messages) {
        const QString subject = m[u"subject"].toString();
        for (const QString &code : std::as_const(codes)) {
            if (subject.contains(code)) {
                QVERIFY2(!received.contains(code), qPrintable(code));
                received.insert(code);
            }
        }
    }
    QCOMPARE(received, codes);
    QCOMPARE(count(QStringLiteral("SELECT max(attempts) FROM mail_outbox")), 1);
}

void TestMail::aRefusedRecipientEndsAsFailedWithItsError()
{
    QString error;
    QVERIFY2(m_sink.start(&error, {.reject = QStringLiteral("nobody")}), qPrintable(error));
    configureMail(m_sink.port());
    ServerProcess server;
    QVERIFY(startMailServer(server));

    const BookingOutcome refused = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("FAIL1"),
                                                 QStringLiteral("nobody@example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(outboxField(refused.booking.id, QStringLiteral("status")),
                              QStringLiteral("failed"), MailWaitMs);
    const QString lastError = outboxField(refused.booking.id, QStringLiteral("last_error"));
    QVERIFY2(lastError.contains(QStringLiteral("RCPT TO refused: 550")), qPrintable(lastError));
    QCOMPARE(outboxField(refused.booking.id, QStringLiteral("attempts")), QStringLiteral("1"));
    QCOMPARE(outboxField(refused.booking.id, QStringLiteral("sent_at")), QString());

    // The next customer's mail goes out; the refused one is not tried again.
    const BookingOutcome fine
        = bookWithEmail(QStringLiteral("11:00"), QStringLiteral("FINE1"), QStringLiteral("fine@example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QCOMPARE(m_sink.messages().constFirst()[u"rcpt_tos"].toArray(),
             QJsonArray {QStringLiteral("fine@example.org")});
    QTest::qWait(2000);
    QCOMPARE(outboxField(refused.booking.id, QStringLiteral("attempts")), QStringLiteral("1"));
    QCOMPARE(outboxField(fine.booking.id, QStringLiteral("status")), QStringLiteral("sent"));
    QCOMPARE(server.terminate(), 0);
    QVERIFY(!server.log().contains(QStringLiteral("nobody@example.org")));
}

void TestMail::withoutSmtpSettingsMailWaitsAndTheServerSaysSoOnce()
{
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    ServerProcess server;
    QVERIFY(startMailServer(server));
    const BookingOutcome booked
        = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("WAIT1"), QStringLiteral("max@example.org"));
    QTRY_VERIFY_WITH_TIMEOUT(server.log().contains(QStringLiteral("mail is not configured")), MailWaitMs);
    QTest::qWait(2000); // a few polls more
    QCOMPARE(server.log().count(QStringLiteral("mail is not configured")), 1);
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("status")), QStringLiteral("pending"));
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("attempts")), QStringLiteral("0"));

    configureMail(m_sink.port());
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(outboxField(booked.booking.id, QStringLiteral("status")),
                              QStringLiteral("sent"), MailWaitMs);
}

void TestMail::theCommandLineSetsMailUpAndTheServerLogsInWithTheEnvironmentsPassword()
{
    QString error;
    QVERIFY2(m_sink.start(&error, {.auth = QStringLiteral("desk:s3cret-Pa55")}), qPrintable(error));
    const QProcessEnvironment cli = AdminProcess::environmentFor(m_cluster.port());
    const AdminProcess::Run refused
        = AdminProcess::run({QStringLiteral("settings"), QStringLiteral("set"),
                             QStringLiteral("mail.smtp_security"), QStringLiteral("ssl")},
                            cli);
    QCOMPARE(refused.exitCode, 2);
    QVERIFY2(
        refused.errText().contains(QStringLiteral("mail.smtp_security must be one of none, starttls, tls")),
        refused.err.constData());
    const QList<QStringList> settings {
        {QStringLiteral("mail.smtp_host"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("mail.smtp_port"), QString::number(m_sink.port())},
        {QStringLiteral("mail.smtp_security"), QStringLiteral("none")},
        {QStringLiteral("mail.smtp_user"), QStringLiteral("desk")},
        {QStringLiteral("mail.from"), Sender},
        {QStringLiteral("mail.language"), QStringLiteral("es")},
    };
    for (const QStringList &setting : settings) {
        const AdminProcess::Run set = AdminProcess::run(
            QStringList {QStringLiteral("settings"), QStringLiteral("set")} + setting, cli);
        QVERIFY2(set.exitCode == 0, set.err.constData());
    }

    // The wrong password: refused at AUTH, kept for later.
    QProcessEnvironment env = serverEnvironment();
    env.insert(QStringLiteral("CARWASH_SMTP_PASSWORD"), QStringLiteral("wrong-one"));
    ServerProcess wrong;
    QVERIFY2(wrong.start(env, {}, &error) && wrong.waitUntilHealthy(&error), qPrintable(error));
    const BookingOutcome booked
        = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("AUTH1"), QStringLiteral("eva@example.org"));
    QTRY_VERIFY_WITH_TIMEOUT(outboxField(booked.booking.id, QStringLiteral("last_error"))
                                 .contains(QStringLiteral("AUTH PLAIN refused: 535")),
                             MailWaitMs);
    QCOMPARE(outboxField(booked.booking.id, QStringLiteral("status")), QStringLiteral("pending"));
    QCOMPARE(wrong.terminate(), 0);

    env.insert(QStringLiteral("CARWASH_SMTP_PASSWORD"), QStringLiteral("s3cret-Pa55"));
    ServerProcess right;
    QVERIFY2(right.start(env, {}, &error) && right.waitUntilHealthy(&error), qPrintable(error));
    sql(QStringLiteral("UPDATE mail_outbox SET next_attempt_at = now()"));
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    // No language of its own: the site's, set to Spanish above.
    QCOMPARE(m_sink.messages().constFirst()[u"subject"].toString(),
             QStringLiteral("Reserva confirmada: %1 en Car wash").arg(booked.booking.code));
    QCOMPARE(m_sink.authMechanisms(), QStringList {QStringLiteral("PLAIN")});
    QCOMPARE(right.terminate(), 0);
    QVERIFY(!right.log().contains(QStringLiteral("s3cret")));
    QVERIFY(!wrong.log().contains(QStringLiteral("wrong-one")));
}

void TestMail::aForgottenCustomersWaitingMailIsNeverSent()
{
    // Mail not configured yet: the confirmation waits in the queue.
    ServerProcess server;
    QVERIFY(startMailServer(server));
    const BookingOutcome forgotten
        = bookWithEmail(QStringLiteral("10:00"), QStringLiteral("GONE1"), QStringLiteral("gone@example.org"));
    QCOMPARE(outboxField(forgotten.booking.id, QStringLiteral("status")), QStringLiteral("pending"));

    const AdminProcess::Run forget = AdminProcess::run(
        {QStringLiteral("customer"), QStringLiteral("forget"), QStringLiteral("gone@example.org")},
        AdminProcess::environmentFor(m_cluster.port()));
    QVERIFY2(forget.exitCode == 0, forget.err.constData());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM mail_outbox WHERE recipient = 'gone@example.org'")),
             0);

    // Mail set up: only the next customer's message goes out.
    QString error;
    QVERIFY2(m_sink.start(&error), qPrintable(error));
    configureMail(m_sink.port());
    bookWithEmail(QStringLiteral("11:00"), QStringLiteral("KEPT1"), QStringLiteral("kept@example.org"));
    QTRY_COMPARE_WITH_TIMEOUT(m_sink.messages().size(), 1, MailWaitMs);
    QTest::qWait(2000);
    QCOMPARE(m_sink.messages().size(), 1);
    QCOMPARE(m_sink.messages().constFirst()[u"rcpt_tos"].toArray(),
             QJsonArray {QStringLiteral("kept@example.org")});
}

QTEST_GUILESS_MAIN(TestMail)
#include "tst_mail.moc"
