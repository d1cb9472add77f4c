// The kiosks' database side against a real PostgreSQL: a kiosk's profile
// made on its first start, releasing the holds a kiosk made (its live card
// payment cancelled, the server asked to end it at Stripe) and leaving
// everything else alone, and calls for an attendant.
#include "db/kiosk/kioskrepo.h"
#include "db/payments/cardpaymentrequests.h"
#include "tests/harness/notifyrecorder.h"
#include "tests/harness/testnames.h"
#include "tests/paymentsfixture.h"

#include <QTest>

using TestNames::describe;

class TestKiosks : public QObject, private PaymentsDbFixture
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(startPayments(QStringLiteral("tst_kiosks"), &error), qPrintable(error));
    }
    void init();
    void cleanupTestCase() { stopPayments(); }

    void ensureTwiceGivesOneRowWithTheDefaults();
    void aBadNameIsRefusedInWords();
    void releasingAHoldCancelsItAndItsCheckoutAndAsksTheServerToExpireIt();
    void aHoldWhoseCheckoutNeverReachedStripeNeedsNoCancelRequest();
    void aPaidOrReleasedBookingIsLeftAlone();
    void aLapsedHoldIsRecordedAsExpired();
    void releaseHoldsTouchesOnlyTheNamedKiosksLiveHolds();
    void setChangesWhatIsGivenAndNamesEveryWrongField();
    void setAssignsTheReaderButNeverTakesAnotherDevicesReader();
    void anAttendantCallIsAnnouncedAndAnsweredOnce();

private:
    // A booking of status made by actor (bookings.created_by).
    qint64 bookingBy(const QString &status, const QString &actor, qint64 priceCents = 3000);
    QString statusOf(qint64 bookingId)
    {
        return sql(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(bookingId)).toString();
    }
    const QString m_entrance = KioskRepo::actorFor(QStringLiteral("Entrance"));
};

void TestKiosks::init()
{
    resetPayments();
    sql(QStringLiteral("DELETE FROM attendant_calls; DELETE FROM kiosks; "
                       "DELETE FROM audit_log WHERE entity IN ('kiosk', 'attendant_call') "
                       "OR action = 'booking.status'"));
}

qint64 TestKiosks::bookingBy(const QString &status, const QString &actor, qint64 priceCents)
{
    const qint64 id = booking(status, priceCents);
    sql(QStringLiteral("UPDATE bookings SET created_by = %1 WHERE id = %2")
            .arg(TestNames::quoted(actor))
            .arg(id));
    return id;
}

void TestKiosks::ensureTwiceGivesOneRowWithTheDefaults()
{
    QCOMPARE(KioskRepo::actorFor(QStringLiteral("Entrance")), QStringLiteral("kiosk:Entrance"));
    QVERIFY(!KioskRepo::defaultName().isEmpty());
    for (int i = 0; i < 2; ++i) {
        const auto profile
            = run([](QSqlDatabase &db) { return KioskRepo(db).ensure(QStringLiteral("Entrance")); });
        QVERIFY2(profile.ok(), describe(profile).constData());
        QCOMPARE(profile->name, QStringLiteral("Entrance"));
        QCOMPARE(profile->language, QStringLiteral("en"));
        QCOMPARE(profile->methods, (QStringList {QStringLiteral("reader"), QStringLiteral("phone")}));
        QVERIFY(profile->offers(QStringLiteral("phone")));
        QVERIFY(!profile->offers(QStringLiteral("desk")));
        QVERIFY(profile->readerId.isEmpty());
        QCOMPARE(profile->updatedBy, m_entrance);
    }
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', count(*), min(language), min(methods::text)) FROM kiosks"))
            .toString(),
        QStringLiteral("1|en|{reader,phone}"));
    // Made once, audited once, by the kiosk itself.
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(actor || ' ' || action, ',') FROM audit_log WHERE entity = "
                           "'kiosk'"))
            .toString(),
        QStringLiteral("kiosk:Entrance kiosk.created"));
    // The reader card_readers assigns it is the profile's.
    sql(QStringLiteral("UPDATE card_readers SET assigned_kind = 'kiosk', assigned_to = 'Entrance'"));
    const auto withReader
        = run([](QSqlDatabase &db) { return KioskRepo(db).ensure(QStringLiteral("Entrance")); });
    QCOMPARE(withReader->readerId, FrontReader);
}

void TestKiosks::aBadNameIsRefusedInWords()
{
    for (const QString &name :
         {QString(), QStringLiteral("  "), QStringLiteral(" Entrance"), QString(65, u'k')}) {
        const auto refused = run([name](QSqlDatabase &db) { return KioskRepo(db).ensure(name); });
        QCOMPARE(refused.error().kind(), DbError::Kind::Invalid);
        QVERIFY(!refused.error().message().isEmpty());
        QCOMPARE(KioskRepo::nameProblem(name), refused.error().message());
    }
    QVERIFY(KioskRepo::nameProblem(QString(64, u'k')).isEmpty());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks")).toInt(), 0);
}

void TestKiosks::releasingAHoldCancelsItAndItsCheckoutAndAsksTheServerToExpireIt()
{
    const qint64 id = bookingBy(QStringLiteral("held"), m_entrance, 4500);
    const QString actor = m_entrance;
    const auto started = run([id, actor](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(id, actor, QStringLiteral("es"));
    });
    QVERIFY2(started.ok(), describe(started).constData());
    // Answered as carwash-server does: the session exists at Stripe.
    sql(QStringLiteral("UPDATE payments SET stripe_checkout_session_id = 'cs_test_k1', checkout_url = "
                       "'https://checkout.stripe.com/c/pay/cs_test_k1', checkout_expires_at = now() + "
                       "interval '30 minutes' WHERE id = %1; UPDATE payment_requests SET status = 'done', "
                       "answered_at = now() WHERE id = %2")
            .arg(started->paymentId)
            .arg(started->requestId));

    // The server's and a desk's LISTEN.
    {
        const NotifyRecorder listener(
            m_cluster.config(), {QStringLiteral("payment_requests"), QStringLiteral("bookings_changed")});
        QVERIFY(listener.isListening());
        const auto requests = [&listener] { return listener.payloads(QStringLiteral("payment_requests")); };
        const auto bookings = [&listener] { return listener.payloads(QStringLiteral("bookings_changed")); };

        const auto released = run([id, actor](QSqlDatabase &db) {
            return KioskRepo(db).releaseHold(id, actor, QStringLiteral("customer left"));
        });
        QVERIFY2(released.ok(), describe(released).constData());
        QCOMPARE(released->releasedBookingIds, QList<qint64> {id});
        QCOMPARE(released->released(), 1);
        QVERIFY(released->untouchedBookingIds.isEmpty());
        QVERIFY(released->expiredBookingIds.isEmpty());
        QCOMPARE(released->cancelledPaymentIds, QList<qint64> {started->paymentId});
        QCOMPARE(released->cancelRequestIds.size(), 1);
        const qint64 cancel = released->cancelRequestIds.first();

        QCOMPARE(statusOf(id), QStringLiteral("cancelled"));
        QCOMPARE(sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(started->paymentId))
                     .toString(),
                 QStringLiteral("cancelled"));
        QCOMPARE(
            sql(QStringLiteral("SELECT concat_ws('|', kind, booking_id, payment_id, status, idempotency_key, "
                               "requested_by) FROM payment_requests WHERE id = %1")
                    .arg(cancel))
                .toString(),
            QStringLiteral("cancel|%1|%2|pending|payment-%2-cancel|kiosk:Entrance")
                .arg(id)
                .arg(started->paymentId));
        QCOMPARE(
            sql(QStringLiteral("SELECT string_agg(concat_ws(' ', actor, action, details->>'reason'), ',' "
                               "ORDER BY id) FROM audit_log WHERE entity_id = '%1' AND action IN "
                               "('payment.cancelled', 'booking.status')")
                    .arg(id))
                .toString(),
            QStringLiteral("kiosk:Entrance payment.cancelled customer left,"
                           "kiosk:Entrance booking.status customer left"));
        QTRY_COMPARE(requests(), QStringList {QString::number(cancel)});
        QTRY_COMPARE(bookings().size(), 1);
        QVERIFY2(bookings().first().contains(QStringLiteral("\"status\":\"cancelled\"")),
                 qPrintable(bookings().first()));
    }
}

void TestKiosks::aHoldWhoseCheckoutNeverReachedStripeNeedsNoCancelRequest()
{
    const qint64 id = bookingBy(QStringLiteral("held"), m_entrance);
    const QString actor = m_entrance;
    const QString reader = FrontReader;
    const auto started = run([id, actor, reader](QSqlDatabase &db) {
        return CardPaymentRequests(db).startReaderPayment(id, reader, actor);
    });
    QVERIFY2(started.ok(), describe(started).constData());
    const auto released = run([id, actor](QSqlDatabase &db) {
        return KioskRepo(db).releaseHold(id, actor, QStringLiteral("start over"));
    });
    QVERIFY2(released.ok(), describe(released).constData());
    QCOMPARE(released->releasedBookingIds, QList<qint64> {id});
    QCOMPARE(released->cancelledPaymentIds, QList<qint64> {started->paymentId});
    QVERIFY(released->cancelRequestIds.isEmpty());
    // The reader request still queued is failed as cancelled: it never goes out.
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', status, error_code) FROM payment_requests WHERE id = %1")
                .arg(started->requestId))
            .toString(),
        QStringLiteral("failed|cancelled"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests WHERE kind = 'cancel'")).toInt(), 0);
    QCOMPARE(statusOf(id), QStringLiteral("cancelled"));
}

void TestKiosks::aPaidOrReleasedBookingIsLeftAlone()
{
    // Paid on the phone a moment before the customer walked away.
    const qint64 paid = bookingBy(QStringLiteral("confirmed"), m_entrance, 2500);
    const qint64 payment
        = PaymentsFixture::addPayment(m_cluster, paid, QStringLiteral("card"), 2500, QStringLiteral("now()"));
    Q_UNUSED(payment);
    const QString actor = m_entrance;
    const int auditsBefore = sql(QStringLiteral("SELECT count(*) FROM audit_log")).toInt();
    const auto left = run([paid, actor](QSqlDatabase &db) {
        return KioskRepo(db).releaseHold(paid, actor, QStringLiteral("idle"));
    });
    QVERIFY2(left.ok(), describe(left).constData());
    QCOMPARE(left->untouchedBookingIds, QList<qint64> {paid});
    QCOMPARE(left->released(), 0);
    QVERIFY(left->cancelledPaymentIds.isEmpty());
    QCOMPARE(statusOf(paid), QStringLiteral("confirmed"));
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(status, ',') FROM payments WHERE booking_id = %1").arg(paid))
            .toString(),
        QStringLiteral("succeeded"));
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM payment_requests")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), auditsBefore);

    // Released twice (a reset racing the restart): the second finds nothing to do.
    const qint64 held = bookingBy(QStringLiteral("held"), m_entrance);
    QCOMPARE(run([held, actor](QSqlDatabase &db) {
                 return KioskRepo(db).releaseHold(held, actor, {});
             })->releasedBookingIds,
             QList<qint64> {held});
    QCOMPARE(run([held, actor](QSqlDatabase &db) {
                 return KioskRepo(db).releaseHold(held, actor, {});
             })->untouchedBookingIds,
             QList<qint64> {held});
    QCOMPARE(sql(QStringLiteral(
                     "SELECT count(*) FROM audit_log WHERE action = 'booking.status' AND entity_id = '%1'")
                     .arg(held))
                 .toInt(),
             1);
    const auto missing
        = run([actor](QSqlDatabase &db) { return KioskRepo(db).releaseHold(999999999, actor, {}); });
    QCOMPARE(missing.error().kind(), DbError::Kind::NotFound);
}

void TestKiosks::aLapsedHoldIsRecordedAsExpired()
{
    const qint64 id = bookingBy(QStringLiteral("held"), m_entrance);
    const QString actor = m_entrance;
    const auto started = run([id, actor](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(id, actor, QStringLiteral("en"));
    });
    QVERIFY2(started.ok(), describe(started).constData());
    sql(QStringLiteral("UPDATE payment_requests SET status = 'done', answered_at = now() WHERE id = %1; "
                       "UPDATE bookings SET hold_expires_at = now() - interval '1 minute' WHERE id = %2")
            .arg(started->requestId)
            .arg(id));
    const auto released = run([actor](QSqlDatabase &db) {
        return KioskRepo(db).releaseHolds(QStringLiteral("Entrance"), QStringLiteral("restarted"));
    });
    QVERIFY2(released.ok(), describe(released).constData());
    QCOMPARE(released->expiredBookingIds, QList<qint64> {id});
    QCOMPARE(released->released(), 0);
    QCOMPARE(released->cancelledPaymentIds, QList<qint64> {started->paymentId});
    QCOMPARE(released->cancelRequestIds.size(), 1);
    QCOMPARE(statusOf(id), QStringLiteral("expired"));
    QCOMPARE(
        sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(started->paymentId)).toString(),
        QStringLiteral("cancelled"));
}

void TestKiosks::releaseHoldsTouchesOnlyTheNamedKiosksLiveHolds()
{
    const QString exit = KioskRepo::actorFor(QStringLiteral("Exit"));
    const qint64 mine1 = bookingBy(QStringLiteral("held"), m_entrance);
    const qint64 mine2 = bookingBy(QStringLiteral("held"), m_entrance);
    const qint64 myConfirmed = bookingBy(QStringLiteral("confirmed"), m_entrance);
    const qint64 otherKiosk = bookingBy(QStringLiteral("held"), exit);
    const qint64 desk = bookingBy(QStringLiteral("held"), Desk);
    // A name that merely starts like ours is another kiosk.
    const qint64 lookalike
        = bookingBy(QStringLiteral("held"), KioskRepo::actorFor(QStringLiteral("Entrance 2")));
    const QString actor = m_entrance;
    const auto started = run([mine2, actor](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(mine2, actor, QStringLiteral("de"));
    });
    QVERIFY2(started.ok(), describe(started).constData());
    const auto otherPayment = run([otherKiosk, exit](QSqlDatabase &db) {
        return CardPaymentRequests(db).startCheckout(otherKiosk, exit, QStringLiteral("en"));
    });
    QVERIFY2(otherPayment.ok(), describe(otherPayment).constData());

    const auto released = run([](QSqlDatabase &db) {
        return KioskRepo(db).releaseHolds(QStringLiteral("Entrance"),
                                          QStringLiteral("restarted after a crash"));
    });
    QVERIFY2(released.ok(), describe(released).constData());
    QCOMPARE(released->releasedBookingIds, (QList<qint64> {mine1, mine2}));
    QCOMPARE(released->cancelledPaymentIds, QList<qint64> {started->paymentId});
    QVERIFY(released->untouchedBookingIds.isEmpty());
    QCOMPARE(statusOf(mine1), QStringLiteral("cancelled"));
    QCOMPARE(statusOf(mine2), QStringLiteral("cancelled"));
    QCOMPARE(statusOf(myConfirmed), QStringLiteral("confirmed"));
    QCOMPARE(statusOf(otherKiosk), QStringLiteral("held"));
    QCOMPARE(statusOf(desk), QStringLiteral("held"));
    QCOMPARE(statusOf(lookalike), QStringLiteral("held"));
    QCOMPARE(sql(QStringLiteral("SELECT status FROM payments WHERE id = %1").arg(otherPayment->paymentId))
                 .toString(),
             QStringLiteral("pending"));
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(DISTINCT actor, ',') FROM audit_log WHERE action = "
                                "'booking.status'"))
                 .toString(),
             m_entrance);
    // Nothing left: a second start releases nothing.
    const auto again = run([](QSqlDatabase &db) {
        return KioskRepo(db).releaseHolds(QStringLiteral("Entrance"), QStringLiteral("restarted"));
    });
    QCOMPARE(again->released(), 0);
    QVERIFY(again->untouchedBookingIds.isEmpty());
    // The partial index finds a kiosk's live holds without reading all bookings.
    QVERIFY(
        sql(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE indexname = 'bookings_held_by_creator_idx' "
                           "AND indexdef LIKE '%(created_by)%WHERE%held%'"))
            .toInt()
        == 1);
}

void TestKiosks::setChangesWhatIsGivenAndNamesEveryWrongField()
{
    KioskChange change;
    change.language = QStringLiteral("es");
    change.methods = QStringList {QStringLiteral("desk"), QStringLiteral("phone")};
    const auto made = run([change](QSqlDatabase &db) {
        return KioskRepo(db).set(QStringLiteral("Exit"), change, QStringLiteral("cli"));
    });
    QVERIFY2(made.ok(), describe(made).constData());
    QCOMPARE(made->language, QStringLiteral("es"));
    // Stored in the order a kiosk offers them, whatever order was given.
    QCOMPARE(made->methods, (QStringList {QStringLiteral("phone"), QStringLiteral("desk")}));
    QCOMPARE(made->updatedBy, QStringLiteral("cli"));
    // Only the language: the methods stay.
    KioskChange language;
    language.language = QStringLiteral("de");
    const auto german = run([language](QSqlDatabase &db) {
        return KioskRepo(db).set(QStringLiteral("Exit"), language, QStringLiteral("staff:3"));
    });
    QCOMPARE(german->language, QStringLiteral("de"));
    QCOMPARE(german->methods, made->methods);
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(concat_ws(' ', actor, action, details::text), ',' ORDER BY id) "
                           "FROM audit_log WHERE entity = 'kiosk'"))
            .toString(),
        QStringLiteral("kiosk:Exit kiosk.created {\"methods\": \"reader,phone\", \"language\": \"en\"},"
                       "cli kiosk.changed {\"methods\": [\"phone\", \"desk\"], \"language\": \"es\"},"
                       "staff:3 kiosk.changed {\"language\": \"de\"}"));

    KioskChange bad;
    bad.language = QStringLiteral("fr");
    bad.methods = QStringList {QStringLiteral("cash"), QStringLiteral("phone")};
    bad.readerId = QStringLiteral("reader-1");
    const auto refused = run([bad](QSqlDatabase &db) {
        return KioskRepo(db).set(QStringLiteral("Exit"), bad, QStringLiteral("cli"));
    });
    QCOMPARE(refused.error().kind(), DbError::Kind::Invalid);
    const QString message = refused.error().message();
    for (const QString &expected :
         {QStringLiteral("language: \"fr\""), QStringLiteral("en, es, de"),
          QStringLiteral("methods: \"cash\""), QStringLiteral("reader, phone, desk"),
          QStringLiteral("reader: \"reader-1\""), QStringLiteral("tmr_")})
        QVERIFY2(message.contains(expected), qPrintable(message));
    KioskChange none;
    none.methods = QStringList {};
    QVERIFY(KioskRepo::validate(QStringLiteral("Exit"), none)
                .value(0)
                .message.contains(QStringLiteral("at least one")));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', language, methods::text) FROM kiosks WHERE name = 'Exit'"))
            .toString(),
        QStringLiteral("de|{phone,desk}"));
    // The table itself refuses what the repository would.
    QString error;
    m_cluster.queryBlocking(QStringLiteral("UPDATE kiosks SET methods = '{cash}'"), QStringLiteral("carwash"),
                            &error);
    QVERIFY(!error.isEmpty());
    m_cluster.queryBlocking(QStringLiteral("INSERT INTO kiosks (name, updated_by) VALUES (' x', 'cli')"),
                            QStringLiteral("carwash"), &error);
    QVERIFY(!error.isEmpty());
}

void TestKiosks::setAssignsTheReaderButNeverTakesAnotherDevicesReader()
{
    sql(QStringLiteral("INSERT INTO card_readers (id, label) VALUES ('tmr_Kiosk1', 'Entrance kiosk'), "
                       "('tmr_Kiosk2', 'Spare')"));
    auto setReader = [this](const QString &kiosk, const QString &reader) {
        KioskChange change;
        change.readerId = reader;
        return run([kiosk, change](QSqlDatabase &db) {
            return KioskRepo(db).set(kiosk, change, QStringLiteral("cli"));
        });
    };
    const auto first = setReader(QStringLiteral("Entrance"), QStringLiteral("tmr_Kiosk1"));
    QVERIFY2(first.ok(), describe(first).constData());
    QCOMPARE(first->readerId, QStringLiteral("tmr_Kiosk1"));
    // Another reader for the same kiosk replaces its first.
    const auto replaced = setReader(QStringLiteral("Entrance"), QStringLiteral("tmr_Kiosk2"));
    QCOMPARE(replaced->readerId, QStringLiteral("tmr_Kiosk2"));
    QCOMPARE(
        sql(QStringLiteral("SELECT coalesce(assigned_to, '-') FROM card_readers WHERE id = 'tmr_Kiosk1'"))
            .toString(),
        QStringLiteral("-"));
    // The front desk's reader, or another kiosk's, is refused naming where it serves.
    sql(QStringLiteral(
            "UPDATE card_readers SET assigned_kind = 'desk', assigned_to = 'Front' WHERE id = '%1'")
            .arg(FrontReader));
    const auto stolen = setReader(QStringLiteral("Entrance"), FrontReader);
    QCOMPARE(stolen.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(stolen.error().message().contains(QStringLiteral("desk \"Front\"")),
             qPrintable(stolen.error().message()));
    const auto fromKiosk = setReader(QStringLiteral("Exit"), QStringLiteral("tmr_Kiosk2"));
    QCOMPARE(fromKiosk.error().kind(), DbError::Kind::Invalid);
    QVERIFY2(fromKiosk.error().message().contains(QStringLiteral("kiosk \"Entrance\"")),
             qPrintable(fromKiosk.error().message()));
    // Refused as a whole: the kiosk Exit was not made either.
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks WHERE name = 'Exit'")).toInt(), 0);
    QCOMPARE(setReader(QStringLiteral("Entrance"), QStringLiteral("tmr_Nobody")).error().kind(),
             DbError::Kind::NotFound);
    // No reader.
    const auto without = setReader(QStringLiteral("Entrance"), QString());
    QVERIFY(without->readerId.isEmpty());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM card_readers WHERE assigned_kind = 'kiosk'")).toInt(),
             0);
    QCOMPARE(sql(QStringLiteral(
                     "SELECT string_agg(concat_ws(' ', actor, action, entity_id), ',' ORDER BY id) FROM "
                     "audit_log WHERE action LIKE 'reader.%'"))
                 .toString(),
             QStringLiteral("cli reader.assigned tmr_Kiosk1,cli reader.unassigned tmr_Kiosk1,"
                            "cli reader.assigned tmr_Kiosk2,cli reader.unassigned tmr_Kiosk2"));
    const auto listed = run([](QSqlDatabase &db) { return KioskRepo(db).list(); });
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().name, QStringLiteral("Entrance"));
}

void TestKiosks::anAttendantCallIsAnnouncedAndAnsweredOnce()
{
    {
        const NotifyRecorder listener(m_cluster.config(), {QStringLiteral("attendant_calls")});
        QVERIFY(listener.isListening());
        const auto payloads = [&listener] { return listener.payloads(QStringLiteral("attendant_calls")); };
        const auto made = run([](QSqlDatabase &db) {
            return KioskRepo(db).callAttendant(QStringLiteral("Entrance"),
                                               QStringLiteral("Pay:\n  card declined"));
        });
        QVERIFY2(made.ok(), describe(made).constData());
        QCOMPARE(made->kiosk, QStringLiteral("Entrance"));
        QCOMPARE(made->screen, QStringLiteral("Pay: card declined"));
        QVERIFY(made->isOpen());
        QTRY_COMPARE(payloads(), QStringList {QString::number(made->id)});
        // The kiosk calling first is made a row, so the call has its kiosk.
        QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks WHERE name = 'Entrance'")).toInt(), 1);
        const auto open = run([](QSqlDatabase &db) { return KioskRepo(db).openCalls(); });
        QCOMPARE(open->size(), 1);
        QCOMPARE(open->first().id, made->id);

        const qint64 id = made->id;
        const auto going = run(
            [id](QSqlDatabase &db) { return KioskRepo(db).acknowledge(id, QStringLiteral("staff:7")); });
        QVERIFY2(going.ok(), describe(going).constData());
        QVERIFY(!going->isOpen());
        QCOMPARE(going->acknowledgedBy, QStringLiteral("staff:7"));
        QTRY_COMPARE(payloads(), (QStringList {QString::number(id), QString::number(id)}));
        // A second desk pressing "I'm going" a moment later: the first answer stands.
        const auto late = run(
            [id](QSqlDatabase &db) { return KioskRepo(db).acknowledge(id, QStringLiteral("staff:8")); });
        QCOMPARE(late->acknowledgedBy, QStringLiteral("staff:7"));
        QVERIFY(run([](QSqlDatabase &db) { return KioskRepo(db).openCalls(); })->isEmpty());
        QCOMPARE(
            sql(QStringLiteral("SELECT string_agg(actor || ' ' || action, ',' ORDER BY id) FROM audit_log "
                               "WHERE entity = 'attendant_call'"))
                .toString(),
            QStringLiteral("kiosk:Entrance kiosk.attendant_called,staff:7 kiosk.attendant_acknowledged"));
        QCOMPARE(
            run([](QSqlDatabase &db) { return KioskRepo(db).acknowledge(999999, QStringLiteral("staff:7")); })
                .error()
                .kind(),
            DbError::Kind::NotFound);
        const auto tooLong = run([](QSqlDatabase &db) {
            return KioskRepo(db).callAttendant(QStringLiteral("Entrance"), QString(501, u'x'));
        });
        QCOMPARE(tooLong.error().kind(), DbError::Kind::Invalid);
        // Notifications arrive in commit order: once a marker sent now is
        // here, any the late answer or the refused call had sent would be too.
        sql(QStringLiteral("SELECT pg_notify('attendant_calls', 'marker')"));
        QTRY_COMPARE(payloads().value(payloads().size() - 1), QStringLiteral("marker"));
        QCOMPARE(payloads(),
                 (QStringList {QString::number(id), QString::number(id), QStringLiteral("marker")}));
    }
}

QTEST_GUILESS_MAIN(TestKiosks)
#include "tst_kiosks.moc"
