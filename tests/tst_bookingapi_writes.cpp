// The online booking API's writes on the real carwash-server, against a real
// PostgreSQL and the fake Stripe: a held booking in its public form, the
// Idempotency-Key's replay and conflict, a taken slot with alternatives, a
// customer's own booking by code and plate, paying by Checkout, cancelling
// and moving within the site's notice; 200 clients racing for one start;
// the per-client write limit and CORS from the site's settings.
#include "db/pool/sql.h"
#include "db/text/isotime.h"
#include "tests/paymentsfixture.h"
#include "tests/serverpaymentfixture.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

class TestBookingApiWrites : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void aBookingIsHeldAndAnsweredInItsPublicForm();
    void aKnownPlateKeepsItsOwnersDetails();
    void theIdempotencyKeyReplaysAndRefusesAnotherBody();
    void aTakenSlotIsAConflictWithAlternatives();
    void twoHundredClientsRaceForOneStart();
    void aCustomerFindsPaysMovesAndCancelsTheirOwnBooking();
    void aPaidBookingCancelledOnlineIsRefundedByCard();
    void changesCloseAtTheSitesNotice();
    void writesAreLimitedPerClientAndCorsFollowsTheSettings();

private:
    using Response = ServerProcess::Response;
    Response post(const QString &path, const QJsonObject &body, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return m_server.send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }
    QJsonObject booking(const QString &localTime, const QString &plate) const
    {
        return {{QStringLiteral("service"), m_f.wash},
                {QStringLiteral("start"), IsoTime::format(at(localTime))},
                {QStringLiteral("vehicle"), QStringLiteral("car")},
                {QStringLiteral("addons"), QJsonArray {m_f.wax}},
                {QStringLiteral("plate"), plate},
                {QStringLiteral("name"), QStringLiteral("Dana Online")},
                {QStringLiteral("phone"), QStringLiteral("+1 555 0100")},
                {QStringLiteral("email"), QStringLiteral("dana@example.com")}};
    }
    static QString codeOf(const Response &r) { return r.json().object().value(QStringLiteral("code")).toString(); }
    static QString errorCode(const Response &r)
    {
        return r.json().object().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString();
    }
    void restartServer(const QString &settingsSql);

    ServerProcess m_server;
};

void TestBookingApiWrites::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(QStringLiteral("tst_bookingapi_writes"));
    resetCatalogue();
    startStripe();
    QVERIFY(startServer(m_server));
}

void TestBookingApiWrites::init()
{
    resetCatalogue();
    sql(QStringLiteral("TRUNCATE stripe_events, payment_requests, refunds CASCADE"));
}

void TestBookingApiWrites::cleanupTestCase()
{
    m_server.terminate();
    m_stripe.stop();
    stopEngine();
}

void TestBookingApiWrites::restartServer(const QString &settingsSql)
{
    // The API reads its settings as it starts (then every 30 s).
    QCOMPARE(m_server.terminate(), 0);
    sql(settingsSql);
    QVERIFY(startServer(m_server));
}

void TestBookingApiWrites::aBookingIsHeldAndAnsweredInItsPublicForm()
{
    const Response made = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:00"), QStringLiteral("on-1 23")));
    QCOMPARE(made.status, 201);
    const QJsonObject b = made.json().object();
    const QString code = codeOf(made);
    QCOMPARE(made.headers.value("location"), QByteArray("/api/bookings/") + code.toLatin1());
    QCOMPARE(b.value(QStringLiteral("status")).toString(), QStringLiteral("held"));
    QCOMPARE(b.value(QStringLiteral("vehicle")).toString(), QStringLiteral("car"));
    QCOMPARE(b.value(QStringLiteral("start")).toString(), IsoTime::format(at(QStringLiteral("10:00"))));
    QCOMPARE(b.value(QStringLiteral("paid")).toBool(), false);
    QVERIFY(!b.value(QStringLiteral("hold_expires_at")).toString().isEmpty());
    QCOMPARE(b.value(QStringLiteral("addons")).toArray().size(), 1);
    // The database's price, never the request's.
    QCOMPARE(b.value(QStringLiteral("price_cents")).toInteger(),
             value(QStringLiteral("SELECT price_cents FROM bookings WHERE code = '%1'").arg(code)).toLongLong());
    // The public form: nothing internal, nothing personal.
    const QStringList keys = b.keys();
    QCOMPARE(keys, (QStringList {QStringLiteral("addons"), QStringLiteral("bay"), QStringLiteral("code"),
                                 QStringLiteral("currency"), QStringLiteral("end"), QStringLiteral("hold_expires_at"),
                                 QStringLiteral("paid"), QStringLiteral("price_cents"), QStringLiteral("service"),
                                 QStringLiteral("start"), QStringLiteral("status"), QStringLiteral("vehicle")}));
    QVERIFY(!made.body.contains("Dana") && !made.body.contains("555") && !made.body.contains("ON123"));
    // Stored as the desk stores it, the plate normalised, by "online".
    QCOMPARE(value(QStringLiteral("SELECT plate || ' ' || status || ' ' || created_by FROM bookings WHERE code = '%1'")
                       .arg(code))
                 .toString(),
             QStringLiteral("ON123 held online"));
}

void TestBookingApiWrites::aKnownPlateKeepsItsOwnersDetails()
{
    const QString owner = value(QStringLiteral("INSERT INTO customers (name, phone, email) VALUES "
                                               "('Owen Owner', '+1 555 0111', 'owen@example.com') RETURNING id"))
                              .toString();
    const QString vehicle = value(QStringLiteral("INSERT INTO vehicles (customer_id, plate, vehicle_class) "
                                                 "VALUES (%1, 'OWN1', 'suv') RETURNING id")
                                      .arg(owner))
                                .toString();
    const QString ownerRow = QStringLiteral("SELECT name || '|' || phone || '|' || email FROM customers WHERE id = %1")
                                 .arg(owner);
    const QString before = value(ownerRow).toString();

    // Someone who knows the plate books it with their own details.
    const Response stranger = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:00"), QStringLiteral("own 1")));
    QCOMPARE(stranger.status, 201);
    QCOMPARE(value(ownerRow).toString(), before);
    QCOMPARE(value(QStringLiteral("SELECT customer_id::text || ' ' || vehicle_class FROM vehicles WHERE id = %1")
                       .arg(vehicle))
                 .toString(),
             owner + QStringLiteral(" suv"));
    // The booking is theirs (their mail goes to them), on the owner's vehicle.
    const QString strangerBooking = QStringLiteral("FROM bookings AS b JOIN customers AS c ON c.id = b.customer_id "
                                                   "WHERE b.code = '%1'")
                                        .arg(codeOf(stranger));
    QCOMPARE(value(QStringLiteral("SELECT c.name || '|' || c.email || '|' || b.vehicle_id ") + strangerBooking).toString(),
             QStringLiteral("Dana Online|dana@example.com|") + vehicle);
    QVERIFY(value(QStringLiteral("SELECT c.id ") + strangerBooking).toString() != owner);

    // The owner, known by their phone however written: their own record,
    // their name kept, the missing nothing overwritten.
    QJsonObject own = booking(QStringLiteral("11:00"), QStringLiteral("OWN-1"));
    own[QStringLiteral("name")] = QStringLiteral("O. Owner");
    own[QStringLiteral("phone")] = QStringLiteral("+1 (555) 01-11");
    own[QStringLiteral("email")] = QStringLiteral("other@example.com");
    const Response mine = post(QStringLiteral("/api/bookings"), own);
    QCOMPARE(mine.status, 201);
    QCOMPARE(value(QStringLiteral("SELECT customer_id FROM bookings WHERE code = '%1'").arg(codeOf(mine))).toString(),
             owner);
    QCOMPARE(value(ownerRow).toString(), before);
}

void TestBookingApiWrites::theIdempotencyKeyReplaysAndRefusesAnotherBody()
{
    const QJsonObject body = booking(QStringLiteral("10:15"), QStringLiteral("KEY1"));
    const QList<QPair<QByteArray, QByteArray>> key = {{"Idempotency-Key", "checkout-7f3a"}};
    const Response first = post(QStringLiteral("/api/bookings"), body, key);
    QCOMPARE(first.status, 201);
    const Response again = post(QStringLiteral("/api/bookings"), body, key);
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json(), first.json());
    QJsonObject other = body;
    other.insert(QStringLiteral("start"), IsoTime::format(at(QStringLiteral("11:15"))));
    const Response conflict = post(QStringLiteral("/api/bookings"), other, key);
    QCOMPARE(conflict.status, 422);
    QCOMPARE(errorCode(conflict), QStringLiteral("conflict"));
    QVERIFY(!conflict.body.contains("ID "));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 1);
    // A key that is not one: named as the header.
    const Response bad = post(QStringLiteral("/api/bookings"), body, {{"Idempotency-Key", QByteArray(300, 'k')}});
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json().object().value(QStringLiteral("error")).toObject().value(QStringLiteral("field")).toString(),
             QStringLiteral("Idempotency-Key"));
}

void TestBookingApiWrites::aTakenSlotIsAConflictWithAlternatives()
{
    // The wash has two lanes: the third booking at 10:30 finds none.
    QCOMPARE(post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:30"), QStringLiteral("AA1"))).status, 201);
    QCOMPARE(post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:30"), QStringLiteral("AA2"))).status, 201);
    const Response taken = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:30"), QStringLiteral("AA3")));
    QCOMPARE(taken.status, 409);
    QCOMPARE(errorCode(taken), QStringLiteral("slot_taken"));
    const QJsonArray alternatives = taken.json().object().value(QStringLiteral("alternatives")).toArray();
    QVERIFY(!alternatives.isEmpty());
    for (const QJsonValue &slot : alternatives)
        QVERIFY(slot.toObject().value(QStringLiteral("start")).toString() != IsoTime::format(at(QStringLiteral("10:30"))));
}

void TestBookingApiWrites::twoHundredClientsRaceForOneStart()
{
    // 200 requests at once, each on a connection of its own.
    constexpr int Clients = 200;
    const int freeBays = 2;
    QList<QNetworkAccessManager *> managers;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < Clients; ++i) {
        auto *manager = new QNetworkAccessManager(this);
        managers << manager;
        QNetworkRequest request(QUrl(m_server.baseUrl() + QStringLiteral("/api/bookings")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        replies << manager->post(request, QJsonDocument(booking(QStringLiteral("13:00"), QStringLiteral("RACE%1").arg(i)))
                                              .toJson(QJsonDocument::Compact));
    }
    QTRY_VERIFY_WITH_TIMEOUT(std::all_of(replies.cbegin(), replies.cend(), [](QNetworkReply *r) { return r->isFinished(); }),
                             120000);
    int booked = 0, taken = 0;
    for (QNetworkReply *reply : replies) {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 201) {
            ++booked;
        } else {
            QCOMPARE(status, 409);
            QCOMPARE(body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                     QStringLiteral("slot_taken"));
            QVERIFY(!body.value(QStringLiteral("alternatives")).toArray().isEmpty());
            ++taken;
        }
    }
    qDeleteAll(managers);
    QCOMPARE(booked, freeBays);
    QCOMPARE(taken, Clients - freeBays);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings a JOIN bookings b ON a.id < b.id AND a.bay_id = b.bay_id "
                                  "AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until) "
                                  "WHERE a.status NOT IN ('cancelled', 'expired', 'no_show') "
                                  "AND b.status NOT IN ('cancelled', 'expired', 'no_show')"))
                 .toInt(),
             0);
}

void TestBookingApiWrites::aCustomerFindsPaysMovesAndCancelsTheirOwnBooking()
{
    const Response made = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("14:00"), QStringLiteral("MINE 1")));
    QCOMPARE(made.status, 201);
    const QString code = codeOf(made);

    // Found by code and plate together, the plate as typed any way.
    const Response found = m_server.send("GET", QStringLiteral("/api/bookings/%1?plate=mine-1").arg(code.toLower()));
    QCOMPARE(found.status, 200);
    QCOMPARE(found.json(), made.json());
    const Response otherPlate = m_server.send("GET", QStringLiteral("/api/bookings/%1?plate=OTHER1").arg(code));
    const Response otherCode = m_server.send("GET", QStringLiteral("/api/bookings/ZZZZZZ?plate=MINE1"));
    QCOMPARE(otherPlate.status, 404);
    QCOMPARE(otherCode.status, 404);
    // Told apart by nothing: the same answer for a wrong plate as for no booking.
    QCOMPARE(errorCode(otherPlate), errorCode(otherCode));
    QCOMPARE(m_server.send("GET", QStringLiteral("/api/bookings/%1").arg(code)).status, 400);

    // Paid by Checkout: the session's URL, made by this server at Stripe.
    const Response session = post(QStringLiteral("/api/bookings/%1/checkout").arg(code), {});
    QCOMPARE(session.status, 200);
    const QString url = session.json().object().value(QStringLiteral("url")).toString();
    QVERIFY2(url.startsWith(QStringLiteral("http")), session.body.constData());
    QCOMPARE(session.json().object().value(QStringLiteral("amount_cents")).toInteger(),
             made.json().object().value(QStringLiteral("price_cents")).toInteger());
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM payments WHERE method = 'stripe_checkout' AND status = 'pending'"))
                 .toInt(),
             1);

    // Moved to 15:00, the plate again proving it is theirs.
    const Response moved = post(QStringLiteral("/api/bookings/%1/move").arg(code),
                                {{QStringLiteral("plate"), QStringLiteral("MINE1")},
                                 {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("15:00")))}});
    QCOMPARE(moved.status, 200);
    QCOMPARE(moved.json().object().value(QStringLiteral("start")).toString(), IsoTime::format(at(QStringLiteral("15:00"))));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE action = 'booking.reschedule' AND actor = 'online'"))
                 .toInt(),
             1);
    // Not with a wrong plate.
    QCOMPARE(post(QStringLiteral("/api/bookings/%1/move").arg(code),
                  {{QStringLiteral("plate"), QStringLiteral("NOTME")},
                   {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("16:00")))}})
                 .status,
             404);

    // Cancelled: the hold released, its Checkout session cancelled.
    const Response cancelled
        = post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("MINE1")}});
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM payments WHERE status = 'cancelled'")).toInt(), 1);
    // Twice is a conflict with its state, not a second change.
    const Response again
        = post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("MINE1")}});
    QCOMPARE(again.status, 409);
    QCOMPARE(errorCode(again), QStringLiteral("conflict"));
    // A cancelled booking is not awaiting payment.
    QCOMPARE(post(QStringLiteral("/api/bookings/%1/checkout").arg(code), {}).status, 409);
}

void TestBookingApiWrites::aPaidBookingCancelledOnlineIsRefundedByCard()
{
    // Paid by card (as Stripe's event would have left it): cancelling gives
    // it all back through the payment path, a refund carwash-server makes.
    const Response card = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("16:00"), QStringLiteral("PAID1")));
    QCOMPARE(card.status, 201);
    const qint64 price = card.json().object().value(QStringLiteral("price_cents")).toInteger();
    const qint64 cardId = value(QStringLiteral("SELECT id FROM bookings WHERE code = '%1'").arg(codeOf(card))).toLongLong();
    sql(QStringLiteral("UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL WHERE id = %1").arg(cardId));
    PaymentsFixture::addPayment(m_cluster, cardId, QStringLiteral("stripe_checkout"), price, QStringLiteral("now()"));
    QCOMPARE(m_server.send("GET", QStringLiteral("/api/bookings/%1?plate=PAID1").arg(codeOf(card)))
                 .json().object().value(QStringLiteral("paid")).toBool(),
             true);
    const Response cancelled = post(QStringLiteral("/api/bookings/%1/cancel").arg(codeOf(card)),
                                    {{QStringLiteral("plate"), QStringLiteral("PAID1")}});
    QCOMPARE(cancelled.status, 200);
    QCOMPARE(cancelled.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(cancelled.json().object().value(QStringLiteral("refunded_cents")).toInteger(), price);
    QCOMPARE(value(QStringLiteral("SELECT sum(r.amount_cents) FROM refunds r JOIN payments p ON p.id = r.payment_id "
                                  "WHERE p.booking_id = %1").arg(cardId)).toLongLong(),
             price);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'refund' AND booking_id = %1")
                       .arg(cardId))
                 .toInt(),
             1);

    // Paid in cash at the desk: given back at the desk, not online.
    const Response cash = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("16:30"), QStringLiteral("CASH1")));
    const qint64 cashId = value(QStringLiteral("SELECT id FROM bookings WHERE code = '%1'").arg(codeOf(cash))).toLongLong();
    sql(QStringLiteral("UPDATE bookings SET status = 'confirmed', hold_expires_at = NULL WHERE id = %1").arg(cashId));
    PaymentsFixture::addPayment(m_cluster, cashId, QStringLiteral("cash"), price, QStringLiteral("now()"));
    const Response refused = post(QStringLiteral("/api/bookings/%1/cancel").arg(codeOf(cash)),
                                  {{QStringLiteral("plate"), QStringLiteral("CASH1")}});
    QCOMPARE(refused.status, 409);
    QCOMPARE(errorCode(refused), QStringLiteral("conflict"));
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(cashId)).toString(),
             QStringLiteral("confirmed"));
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM refunds r JOIN payments p ON p.id = r.payment_id "
                                  "WHERE p.booking_id = %1").arg(cashId)).toInt(),
             0);
}

void TestBookingApiWrites::changesCloseAtTheSitesNotice()
{
    restartServer(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('booking.change_notice_minutes', '10080') "
                                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    const Response made = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("09:00"), QStringLiteral("LATE1")));
    QCOMPARE(made.status, 201);
    const QString code = codeOf(made);
    const Response late
        = post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("LATE1")}});
    QCOMPARE(late.status, 409);
    QVERIFY2(late.body.contains("10080"), late.body.constData());
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE code = '%1'").arg(code)).toString(),
             QStringLiteral("held"));
    restartServer(QStringLiteral("DELETE FROM site_settings WHERE key = 'booking.change_notice_minutes'"));
}

void TestBookingApiWrites::writesAreLimitedPerClientAndCorsFollowsTheSettings()
{
    restartServer(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('api.write_burst', '3'), "
                                 "('api.write_rate_per_minute', '1'), ('api.cors_origins', 'https://shop.example') "
                                 "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    for (int i = 0; i < 3; ++i)
        QVERIFY(post(QStringLiteral("/api/bookings"), booking(QStringLiteral("12:00"), QStringLiteral("LIM%1").arg(i))).status
                != 429);
    const Response limited = post(QStringLiteral("/api/bookings"), booking(QStringLiteral("12:30"), QStringLiteral("LIM9")));
    QCOMPARE(limited.status, 429);
    QCOMPARE(errorCode(limited), QStringLiteral("rate_limited"));
    QVERIFY(limited.headers.value("retry-after").toInt() >= 1);
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings WHERE plate = 'LIM9'")).toInt(), 0);
    // Reads are never limited.
    QCOMPARE(m_server.send("GET", QStringLiteral("/api/services")).status, 200);

    const Response listed = m_server.send("GET", QStringLiteral("/api/services"), {}, {{"Origin", "https://shop.example"}});
    QCOMPARE(listed.headers.value("access-control-allow-origin"), QByteArrayLiteral("https://shop.example"));
    const Response stranger = m_server.send("GET", QStringLiteral("/api/services"), {}, {{"Origin", "https://evil.example"}});
    QVERIFY(!stranger.headers.contains("access-control-allow-origin"));
    const Response preflight = m_server.send("OPTIONS", QStringLiteral("/api/bookings"), {},
                                             {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
    QCOMPARE(preflight.status, 204);
    QCOMPARE(preflight.headers.value("access-control-allow-methods"), QByteArrayLiteral("POST"));
    QVERIFY(preflight.headers.value("access-control-allow-headers").contains("Idempotency-Key"));
    restartServer(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'api.%'"));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    TestBookingApiWrites test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_bookingapi_writes.moc"
