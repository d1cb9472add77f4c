// The online booking API of the real carwash-server process, against a real
// PostgreSQL and the fake Stripe: what it reads (the catalogue, free times)
// answers as the command line does; every error in one envelope, in the
// request's language; the door (404, 405, 413, the body's shape); and the
// old system's function paths on the same work.
#include "db/availability/availabilityrepo.h"
#include "db/catalogue/servicerepo.h"
#include "db/text/isotime.h"
#include "tests/serverpaymentfixture.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

class TestBookingApi : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init() { resetCatalogue(); }
    void cleanupTestCase();

    void servicesAreTheCatalogueAsTheCommandLineListsIt();
    void availabilityAndNextAreTheEngines();
    void badInputNamesEveryFieldInTheEnvelope();
    void answersAreInTheLanguageOfEachRequest();
    void theDoorTurnsAwayUnknownRoutesWrongMethodsAndLargeBodies();
    void theOldSystemsPathsAnswerAsTheApi();

private:
    using Response = ServerProcess::Response;
    Response get(const QString &path, const QByteArray &language = {})
    {
        return language.isEmpty() ? m_server.send("GET", path)
                                  : m_server.send("GET", path, {}, {{"Accept-Language", language}});
    }
    QJsonObject errorOf(const Response &r) { return r.json().object().value(QStringLiteral("error")).toObject(); }
    QString dayText() const { return m_day.toString(Qt::ISODate); }

    ServerProcess m_server;
};

void TestBookingApi::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(QStringLiteral("tst_bookingapi"));
    resetCatalogue();
    startStripe();
    QVERIFY(startServer(m_server));
}

void TestBookingApi::cleanupTestCase()
{
    QCOMPARE(m_server.terminate(), 0);
    m_stripe.stop();
    stopEngine();
}

void TestBookingApi::servicesAreTheCatalogueAsTheCommandLineListsIt()
{
    const auto listed = run(QStringLiteral("test.services"), [](QSqlDatabase &db) { return ServiceRepo(db).all(true); });
    QVERIFY(listed.ok());
    QJsonArray expected;
    for (const Service &s : *listed)
        expected.append(s.toJson());
    QVERIFY(expected.size() >= 2);

    const Response all = get(QStringLiteral("/api/services"));
    QCOMPARE(all.status, 200);
    QCOMPARE(all.headers.value("content-type"), QByteArrayLiteral("application/json"));
    QCOMPARE(all.json().array(), expected);

    const Response one = get(QStringLiteral("/api/services/%1").arg(m_f.wash));
    QCOMPARE(one.status, 200);
    QCOMPARE(one.json().object(), expected.at(0).toObject().value(QStringLiteral("id")).toInteger() == m_f.wash
                                      ? expected.at(0).toObject()
                                      : expected.at(1).toObject());
    // Unknown, not a number, and no longer on offer: all simply not there.
    sql(QStringLiteral("UPDATE services SET active = false WHERE id = %1").arg(m_f.detail));
    for (const QString &id : {QStringLiteral("987654"), QStringLiteral("abc"), QStringLiteral("-1"),
                              QString::number(m_f.detail)}) {
        const Response missing = get(QStringLiteral("/api/services/") + id);
        QCOMPARE(missing.status, 404);
        QCOMPARE(errorOf(missing).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
        QVERIFY(!errorOf(missing).value(QStringLiteral("message")).toString().isEmpty());
    }
}

void TestBookingApi::availabilityAndNextAreTheEngines()
{
    AvailabilityRequest request;
    request.serviceId = m_f.wash;
    request.vehicleClass = QStringLiteral("suv");
    request.addonIds = {m_f.wax};
    const QDate day = m_day;
    const auto starts = run(QStringLiteral("test.availability"),
                            [request, day](QSqlDatabase &db) { return AvailabilityRepo(db).forDate(request, day); });
    QVERIFY(starts.ok());
    QVERIFY(starts->size() > 10);
    QJsonArray expected;
    for (const PlannedSlot &slot : *starts)
        expected.append(slot.toJson());

    const Response free = get(QStringLiteral("/api/availability?date=%1&service=%2&vehicle=suv&addon=%3")
                                  .arg(dayText())
                                  .arg(m_f.wash)
                                  .arg(m_f.wax));
    QCOMPARE(free.status, 200);
    QCOMPARE(free.json().array(), expected);
    const QJsonObject first = free.json().array().first().toObject();
    QVERIFY(first.contains(QStringLiteral("start")) && first.contains(QStringLiteral("end"))
            && first.value(QStringLiteral("bays")).isArray());

    const auto next = run(QStringLiteral("test.next"), [request](QSqlDatabase &db) { return AvailabilityRepo(db).next(request); });
    QVERIFY(next.ok() && next->has_value());
    const Response soonest = get(QStringLiteral("/api/next?service=%1&vehicle=suv&addon=%2").arg(m_f.wash).arg(m_f.wax));
    QCOMPARE(soonest.status, 200);
    QCOMPARE(soonest.json().object(), (*next)->toFirstBayJson());

    // A wash no bay offers any more: no free start at all is "not found".
    sql(QStringLiteral("DELETE FROM bay_services WHERE service_id = %1").arg(m_f.detail));
    const Response none = get(QStringLiteral("/api/next?service=%1&vehicle=car").arg(m_f.detail));
    QCOMPARE(none.status, 404);
    QCOMPARE(errorOf(none).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));
}

void TestBookingApi::badInputNamesEveryFieldInTheEnvelope()
{
    // Several wrong: every one named, with the messages the command line gives.
    const Response several = get(QStringLiteral("/api/availability?date=2025-13-01&service=x&vehicle=boat&addon=q"));
    QCOMPARE(several.status, 400);
    const QJsonObject error = errorOf(several);
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid"));
    QStringList fields;
    for (const QJsonValue &f : error.value(QStringLiteral("fields")).toArray()) {
        fields << f.toObject().value(QStringLiteral("field")).toString();
        QVERIFY(!f.toObject().value(QStringLiteral("message")).toString().isEmpty());
    }
    QCOMPARE(fields, (QStringList {QStringLiteral("date"), QStringLiteral("service"), QStringLiteral("vehicle"),
                                   QStringLiteral("addon")}));
    QCOMPARE(error.value(QStringLiteral("fields")).toArray().at(1).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("service takes a numeric service ID, not \"x\"."));

    // One wrong: named in "field".
    const Response one = get(QStringLiteral("/api/availability?service=%1").arg(m_f.wash));
    QCOMPARE(one.status, 400);
    QCOMPARE(errorOf(one).value(QStringLiteral("field")).toString(), QStringLiteral("date"));
    QVERIFY(!errorOf(one).contains(QStringLiteral("fields")));

    // A booking's body: the engine's own checks of plate, e-mail and start.
    const Response booking = m_server.send(
        "POST", QStringLiteral("/api/bookings"),
        QJsonDocument(QJsonObject {{QStringLiteral("service"), m_f.wash},
                                   {QStringLiteral("start"), QStringLiteral("tomorrow at ten")},
                                   {QStringLiteral("plate"), QStringLiteral("!")},
                                   {QStringLiteral("name"), QStringLiteral("Ann")},
                                   {QStringLiteral("email"), QStringLiteral("not-an-address")}})
            .toJson());
    QCOMPARE(booking.status, 400);
    fields.clear();
    for (const QJsonValue &f : errorOf(booking).value(QStringLiteral("fields")).toArray())
        fields << f.toObject().value(QStringLiteral("field")).toString();
    QCOMPARE(fields, (QStringList {QStringLiteral("start"), QStringLiteral("plate"), QStringLiteral("email")}));
    // Nothing was written.
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM bookings")).toInt(), 0);
}

void TestBookingApi::answersAreInTheLanguageOfEachRequest()
{
    const QString path = QStringLiteral("/api/availability?date=%1&service=%2&vehicle=boat").arg(dayText()).arg(m_f.wash);
    const QString english = errorOf(get(path)).value(QStringLiteral("message")).toString();
    QCOMPARE(english, QStringLiteral("vehicle takes one of car, suv, truck, not \"boat\"."));
    const Response spanish = get(path, "es-MX,es;q=0.9,en;q=0.5");
    QCOMPARE(spanish.headers.value("content-language"), QByteArrayLiteral("es"));
    const QString es = errorOf(spanish).value(QStringLiteral("message")).toString();
    const Response german = get(path, "de-DE");
    const QString de = errorOf(german).value(QStringLiteral("message")).toString();
    QVERIFY2(es != english && es.contains(QStringLiteral("boat")), qPrintable(es));
    QVERIFY2(de != english && de != es && de.contains(QStringLiteral("boat")), qPrintable(de));
    // Nothing we speak, or a preference against Spanish: English.
    QCOMPARE(errorOf(get(path, "fr-FR, ja")).value(QStringLiteral("message")).toString(), english);
    QCOMPARE(errorOf(get(path, "es;q=0, de;q=0.1")).value(QStringLiteral("message")).toString(), de);

    // Messages made by the engine on the pool's threads too (the plate's),
    // many requests in two languages at once, each in its own.
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("service"), m_f.wash},
                                                       {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("10:00")))},
                                                       {QStringLiteral("plate"), QStringLiteral("?")},
                                                       {QStringLiteral("name"), QStringLiteral("Ann")}})
                                .toJson();
    const QString plateEs = errorOf(m_server.send("POST", QStringLiteral("/api/bookings"), body, {{"Accept-Language", "es"}}))
                                .value(QStringLiteral("message"))
                                .toString();
    const QString plateDe = errorOf(m_server.send("POST", QStringLiteral("/api/bookings"), body, {{"Accept-Language", "de"}}))
                                .value(QStringLiteral("message"))
                                .toString();
    QVERIFY(!plateEs.isEmpty() && !plateDe.isEmpty() && plateEs != plateDe);
    const int port = m_server.port();
    QList<QFuture<QPair<QByteArray, QString>>> answers;
    for (int i = 0; i < 24; ++i) {
        const QByteArray language = i % 2 ? "de" : "es";
        answers << QtConcurrent::run([port, path, language] {
            QNetworkAccessManager manager;
            QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port) + path));
            request.setRawHeader("Accept-Language", language);
            QNetworkReply *reply = manager.get(request);
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            const QString message = QJsonDocument::fromJson(reply->readAll())
                                        .object()
                                        .value(QStringLiteral("error"))
                                        .toObject()
                                        .value(QStringLiteral("message"))
                                        .toString();
            delete reply;
            return qMakePair(language, message);
        });
    }
    for (QFuture<QPair<QByteArray, QString>> &answer : answers) {
        const auto [language, message] = answer.result();
        QCOMPARE(message, language == "de" ? de : es);
    }
}

void TestBookingApi::theDoorTurnsAwayUnknownRoutesWrongMethodsAndLargeBodies()
{
    const Response unknown = get(QStringLiteral("/api/nothing-here"));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(errorOf(unknown).value(QStringLiteral("code")).toString(), QStringLiteral("not_found"));

    const Response wrong = m_server.send("DELETE", QStringLiteral("/api/services"));
    QCOMPARE(wrong.status, 405);
    QCOMPARE(wrong.headers.value("allow"), QByteArrayLiteral("GET"));
    QCOMPARE(errorOf(wrong).value(QStringLiteral("code")).toString(), QStringLiteral("invalid"));
    QCOMPARE(m_server.send("GET", QStringLiteral("/api/bookings")).status, 405);

    // Over 64 KiB: turned away from its Content-Length, before it is read.
    const QByteArray large(64 * 1024 + 1, ' ');
    const Response tooLarge = m_server.send("POST", QStringLiteral("/api/bookings"), large);
    QCOMPARE(tooLarge.status, 413);
    QCOMPARE(errorOf(tooLarge).value(QStringLiteral("code")).toString(), QStringLiteral("too_large"));

    const Response notJson = m_server.send("POST", QStringLiteral("/api/bookings"), QByteArrayLiteral("[1, 2]"));
    QCOMPARE(notJson.status, 400);
    QCOMPARE(errorOf(notJson).value(QStringLiteral("field")).toString(), QStringLiteral("body"));

    // Never the internals: no SQL, no stack, whatever was asked.
    for (const Response &r : {unknown, wrong, tooLarge, notJson}) {
        QVERIFY(!r.body.contains("SELECT") && !r.body.contains("ERROR:"));
        QVERIFY(r.json().isObject());
    }
    // Security headers on every API answer.
    QCOMPARE(unknown.headers.value("x-content-type-options"), QByteArrayLiteral("nosniff"));
    QCOMPARE(unknown.headers.value("cache-control"), QByteArrayLiteral("no-store"));
}

void TestBookingApi::theOldSystemsPathsAnswerAsTheApi()
{
    const QString old = QStringLiteral("/.netlify/functions/");
    QCOMPARE(get(old + QStringLiteral("services-index")).json(), get(QStringLiteral("/api/services")).json());
    QCOMPARE(get(old + QStringLiteral("services-id?id=%1").arg(m_f.wash)).json(),
             get(QStringLiteral("/api/services/%1").arg(m_f.wash)).json());
    QCOMPARE(get(old + QStringLiteral("services-id?id=424242")).status, 404);
    const Response free = get(old + QStringLiteral("bookings-availability?date=%1&serviceId=%2").arg(dayText()).arg(m_f.wash));
    QCOMPARE(free.status, 200);
    QCOMPARE(free.json(), get(QStringLiteral("/api/availability?date=%1&service=%2").arg(dayText()).arg(m_f.wash)).json());

    const QDateTime start = at(QStringLiteral("11:00"));
    const Response created = m_server.send(
        "POST", old + QStringLiteral("bookings-create"),
        QJsonDocument(QJsonObject {{QStringLiteral("serviceId"), m_f.wash},
                                   {QStringLiteral("start"), IsoTime::format(start)},
                                   {QStringLiteral("plate"), QStringLiteral("old 123")},
                                   {QStringLiteral("name"), QStringLiteral("Old Front End")}})
            .toJson());
    QCOMPARE(created.status, 201);
    const QString code = created.json().object().value(QStringLiteral("code")).toString();
    QCOMPARE(created.json().object().value(QStringLiteral("id")).toString(), code);
    QCOMPARE(created.json().object().value(QStringLiteral("status")).toString(), QStringLiteral("held"));

    const Response session = m_server.send(
        "POST", old + QStringLiteral("payment-create-session"),
        QJsonDocument(QJsonObject {{QStringLiteral("bookingId"), code}}).toJson());
    QCOMPARE(session.status, 200);
    QVERIFY2(session.json().object().value(QStringLiteral("url")).toString().startsWith(QStringLiteral("http")),
             session.body.constData());

    const Response health = get(old + QStringLiteral("debug-health"));
    QCOMPARE(health.status, 200);
    QVERIFY(health.json().object().contains(QStringLiteral("processes")));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    TestBookingApi test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_bookingapi.moc"
