// docs/openapi.yaml against what carwash-server really answers: every
// documented route and status is provoked on the real server (with a real
// PostgreSQL, stopped for the 503s, and the fake Stripe), answers exactly
// that status, and its body fits the documented schema; and nothing is
// provoked that the document does not list. The YAML is read by python3's
// yaml module (Debian's python3-yaml, /usr/bin/python3) into JSON.
#include "db/text/isotime.h"
#include "tests/harness/nohang.h"
#include "tests/serverpaymentfixture.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <functional>

namespace {

using Response = ServerProcess::Response;

// The subset of JSON Schema (OpenAPI 3.0) the document uses: type,
// nullable, required, properties, additionalProperties, items, enum, allOf,
// $ref. What does not fit, one line each.
class SchemaCheck
{
public:
    explicit SchemaCheck(const QJsonObject &document)
        : m_document(document)
    { }

    QJsonObject resolve(QJsonObject node) const
    {
        while (node.contains(QStringLiteral("$ref"))) {
            QJsonValue at = m_document;
            for (const QString &part : node.value(QStringLiteral("$ref")).toString().mid(2).split(u'/'))
                at = at.toObject().value(part);
            node = at.toObject();
        }
        return node;
    }

    QStringList check(const QJsonValue &value, const QJsonObject &schemaNode, const QString &where) const
    {
        const QJsonObject schema = resolve(schemaNode);
        QStringList problems;
        for (const QJsonValue &part : schema.value(QStringLiteral("allOf")).toArray())
            problems += check(value, part.toObject(), where);
        if (value.isNull()) {
            if (schema.contains(QStringLiteral("type")) && !schema.value(QStringLiteral("nullable")).toBool())
                problems << where + QStringLiteral(": null, not nullable");
            return problems;
        }
        const QString type = schema.value(QStringLiteral("type")).toString();
        const bool fits = type.isEmpty() || (type == u"object" && value.isObject()) || (type == u"array" && value.isArray())
            || (type == u"string" && value.isString()) || (type == u"boolean" && value.isBool())
            || (type == u"integer" && value.isDouble() && value.toDouble() == double(qint64(value.toDouble())))
            || (type == u"number" && value.isDouble());
        if (!fits)
            return problems << where + QStringLiteral(": not a(n) %1").arg(type);
        if (schema.contains(QStringLiteral("enum")) && !schema.value(QStringLiteral("enum")).toArray().contains(value))
            problems << where + QStringLiteral(": %1 is not one of the documented values").arg(value.toVariant().toString());
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (const QJsonValue &required : schema.value(QStringLiteral("required")).toArray()) {
                if (!object.contains(required.toString()))
                    problems << where + QStringLiteral(": no \"%1\"").arg(required.toString());
            }
            const QJsonObject properties = schema.value(QStringLiteral("properties")).toObject();
            for (auto it = object.begin(); it != object.end(); ++it) {
                if (properties.contains(it.key()))
                    problems += check(it.value(), properties.value(it.key()).toObject(), where + u'.' + it.key());
                else if (schema.value(QStringLiteral("additionalProperties")).isObject())
                    problems += check(it.value(), schema.value(QStringLiteral("additionalProperties")).toObject(),
                                      where + u'.' + it.key());
            }
        }
        if (value.isArray()) {
            const QJsonArray array = value.toArray();
            for (qsizetype i = 0; i < array.size(); ++i)
                problems += check(array.at(i), schema.value(QStringLiteral("items")).toObject(),
                                  where + QStringLiteral("[%1]").arg(i));
        }
        return problems;
    }

private:
    QJsonObject m_document;
};

} // namespace

class TestOpenApi : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyDocumentedRouteAndStatusIsWhatTheServerAnswers();

private:
    struct Case
    {
        QString method;
        QString path; // as documented
        int status;
        std::function<Response()> run;
    };
    enum Phase { Normal, WritesLimited, DatabaseAway };

    Response post(const QString &path, const QJsonObject &body, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return m_server.send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }
    Response get(const QString &path) { return m_server.send("GET", path); }
    QJsonObject booking(const QString &localTime, const QString &plate) const
    {
        return {{QStringLiteral("service"), m_f.wash},
                {QStringLiteral("start"), IsoTime::format(at(localTime))},
                {QStringLiteral("plate"), plate},
                {QStringLiteral("name"), QStringLiteral("Api Doc")}};
    }
    // A held booking's code.
    QString held(const QString &localTime, const QString &plate)
    {
        const Response made = post(QStringLiteral("/api/bookings"), booking(localTime, plate));
        return made.json().object().value(QStringLiteral("code")).toString();
    }
    QList<Case> cases(Phase phase);
    void restartServer(const QString &settingsSql);

    ServerProcess m_server;
    QJsonObject m_document;
};

void TestOpenApi::initTestCase()
{
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    QProcess python;
    // Debian's python3 (python3-yaml), not another one a PATH may put first.
    python.start(QStringLiteral("/usr/bin/python3"),
                 {QStringLiteral("-c"), QStringLiteral("import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)"),
                  QStringLiteral(CARWASH_OPENAPI)});
    QVERIFY(python.waitForFinished(TestWaits::kNoHangMs));
    QVERIFY2(python.exitCode() == 0, python.readAllStandardError().constData());
    m_document = QJsonDocument::fromJson(python.readAllStandardOutput()).object();
    QVERIFY(m_document.value(QStringLiteral("openapi")).toString().startsWith(QStringLiteral("3.")));
    startEngine(QStringLiteral("tst_openapi"));
    resetCatalogue();
    startStripe();
    QVERIFY(startServer(m_server));
}

void TestOpenApi::cleanupTestCase()
{
    m_server.terminate();
    m_stripe.stop();
    stopEngine();
}

void TestOpenApi::restartServer(const QString &settingsSql)
{
    QCOMPARE(m_server.terminate(), 0);
    sql(settingsSql);
    QVERIFY(startServer(m_server));
}

QList<TestOpenApi::Case> TestOpenApi::cases(Phase phase)
{
    const QString day = m_day.toString(Qt::ISODate);
    const QString availability = QStringLiteral("/api/availability?date=%1&service=%2").arg(day).arg(m_f.wash);
    const QString old = QStringLiteral("/.netlify/functions/");
    const QString booked = QStringLiteral("/api/bookings/{code}");
    if (phase == WritesLimited) {
        const QString code = QStringLiteral("ABC123");
        const QJsonObject plate {{QStringLiteral("plate"), QStringLiteral("X1")}};
        return {
            {QStringLiteral("post"), QStringLiteral("/api/bookings"), 429,
             [=, this] { return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("09:00"), QStringLiteral("LIMIT1"))); }},
            {QStringLiteral("post"), booked + QStringLiteral("/checkout"), 429,
             [=, this] { return post(QStringLiteral("/api/bookings/%1/checkout").arg(code), {}); }},
            {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 429,
             [=, this] { return post(QStringLiteral("/api/bookings/%1/cancel").arg(code), plate); }},
            {QStringLiteral("post"), booked + QStringLiteral("/move"), 429,
             [=, this] { return post(QStringLiteral("/api/bookings/%1/move").arg(code), plate); }},
        };
    }
    if (phase == DatabaseAway) {
        const QJsonObject plate {{QStringLiteral("plate"), QStringLiteral("X1")},
                                 {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("12:00")))}};
        return {
            {QStringLiteral("get"), QStringLiteral("/api/services"), 503, [=, this] { return get(QStringLiteral("/api/services")); }},
            {QStringLiteral("get"), QStringLiteral("/api/services/{id}"), 503,
             [=, this] { return get(QStringLiteral("/api/services/%1").arg(m_f.wash)); }},
            {QStringLiteral("get"), QStringLiteral("/api/availability"), 503, [=, this] { return get(availability); }},
            {QStringLiteral("get"), QStringLiteral("/api/next"), 503,
             [=, this] { return get(QStringLiteral("/api/next?service=%1").arg(m_f.wash)); }},
            {QStringLiteral("post"), QStringLiteral("/api/bookings"), 503,
             [=, this] { return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("12:00"), QStringLiteral("AWAY1"))); }},
            {QStringLiteral("get"), booked, 503, [=, this] { return get(QStringLiteral("/api/bookings/ABC123?plate=X1")); }},
            {QStringLiteral("post"), booked + QStringLiteral("/checkout"), 503,
             [=, this] { return post(QStringLiteral("/api/bookings/ABC123/checkout"), {}); }},
            {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 503,
             [=, this] { return post(QStringLiteral("/api/bookings/ABC123/cancel"), plate); }},
            {QStringLiteral("post"), booked + QStringLiteral("/move"), 503,
             [=, this] { return post(QStringLiteral("/api/bookings/ABC123/move"), plate); }},
        };
    }
    return {
        {QStringLiteral("get"), QStringLiteral("/api/services"), 200, [=, this] { return get(QStringLiteral("/api/services")); }},
        {QStringLiteral("get"), QStringLiteral("/api/services/{id}"), 200,
         [=, this] { return get(QStringLiteral("/api/services/%1").arg(m_f.wash)); }},
        {QStringLiteral("get"), QStringLiteral("/api/services/{id}"), 404, [=, this] { return get(QStringLiteral("/api/services/987654")); }},
        {QStringLiteral("get"), QStringLiteral("/api/availability"), 200, [=, this] { return get(availability); }},
        {QStringLiteral("get"), QStringLiteral("/api/availability"), 400,
         [=, this] { return get(QStringLiteral("/api/availability?date=someday&service=%1").arg(m_f.wash)); }},
        {QStringLiteral("get"), QStringLiteral("/api/next"), 200,
         [=, this] { return get(QStringLiteral("/api/next?service=%1&vehicle=suv").arg(m_f.wash)); }},
        {QStringLiteral("get"), QStringLiteral("/api/next"), 400, [=, this] { return get(QStringLiteral("/api/next")); }},
        {QStringLiteral("get"), QStringLiteral("/api/next"), 404, [=, this] {
             // A wash no bay offers: no free start anywhere.
             sql(QStringLiteral("DELETE FROM bay_services WHERE service_id = %1").arg(m_f.detail));
             return get(QStringLiteral("/api/next?service=%1").arg(m_f.detail));
         }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 201, [=, this] {
             return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:00"), QStringLiteral("DOC1")),
                         {{"Idempotency-Key", "doc-key-1"}});
         }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 200, [=, this] {
             return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:00"), QStringLiteral("DOC1")),
                         {{"Idempotency-Key", "doc-key-1"}});
         }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 422, [=, this] {
             return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("10:15"), QStringLiteral("DOC1")),
                         {{"Idempotency-Key", "doc-key-1"}});
         }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 400,
         [=, this] { return post(QStringLiteral("/api/bookings"), {{QStringLiteral("plate"), QStringLiteral("!")}}); }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 409, [=, this] {
             held(QStringLiteral("11:00"), QStringLiteral("FULL1"));
             held(QStringLiteral("11:00"), QStringLiteral("FULL2"));
             return post(QStringLiteral("/api/bookings"), booking(QStringLiteral("11:00"), QStringLiteral("FULL3")));
         }},
        {QStringLiteral("post"), QStringLiteral("/api/bookings"), 413,
         [=, this] { return m_server.send("POST", QStringLiteral("/api/bookings"), QByteArray(64 * 1024 + 1, ' ')); }},
        {QStringLiteral("get"), booked, 200, [=, this] {
             const QString code = held(QStringLiteral("13:00"), QStringLiteral("LOOK1"));
             return get(QStringLiteral("/api/bookings/%1?plate=LOOK1").arg(code));
         }},
        {QStringLiteral("get"), booked, 400, [=, this] { return get(QStringLiteral("/api/bookings/ABC123")); }},
        {QStringLiteral("get"), booked, 404, [=, this] { return get(QStringLiteral("/api/bookings/ABC123?plate=NOPE1")); }},
        {QStringLiteral("post"), booked + QStringLiteral("/checkout"), 200, [=, this] {
             return post(QStringLiteral("/api/bookings/%1/checkout").arg(held(QStringLiteral("14:00"), QStringLiteral("PAY1"))), {});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/checkout"), 404,
         [=, this] { return post(QStringLiteral("/api/bookings/ZZZ999/checkout"), {}); }},
        {QStringLiteral("post"), booked + QStringLiteral("/move"), 200, [=, this] {
             return post(QStringLiteral("/api/bookings/%1/move").arg(held(QStringLiteral("15:00"), QStringLiteral("MOVE1"))),
                         {{QStringLiteral("plate"), QStringLiteral("MOVE1")},
                          {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("15:30")))}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/move"), 400, [=, this] {
             return post(QStringLiteral("/api/bookings/ABC123/move"), {{QStringLiteral("plate"), QStringLiteral("X1")}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/move"), 404, [=, this] {
             return post(QStringLiteral("/api/bookings/ABC123/move"),
                         {{QStringLiteral("plate"), QStringLiteral("X1")},
                          {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("15:30")))}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 200, [=, this] {
             return post(QStringLiteral("/api/bookings/%1/cancel").arg(held(QStringLiteral("16:00"), QStringLiteral("GONE1"))),
                         {{QStringLiteral("plate"), QStringLiteral("GONE1")}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 400,
         [=, this] { return post(QStringLiteral("/api/bookings/ABC123/cancel"), {}); }},
        {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 404,
         [=, this] { return post(QStringLiteral("/api/bookings/ABC123/cancel"), {{QStringLiteral("plate"), QStringLiteral("X1")}}); }},
        // The cancelled one: a conflict with its state, for all three.
        {QStringLiteral("post"), booked + QStringLiteral("/cancel"), 409, [=, this] {
             const QString code = held(QStringLiteral("16:30"), QStringLiteral("TWICE1"));
             post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("TWICE1")}});
             return post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("TWICE1")}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/move"), 409, [=, this] {
             const QString code = held(QStringLiteral("17:00"), QStringLiteral("TWICE2"));
             post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("TWICE2")}});
             return post(QStringLiteral("/api/bookings/%1/move").arg(code),
                         {{QStringLiteral("plate"), QStringLiteral("TWICE2")},
                          {QStringLiteral("start"), IsoTime::format(at(QStringLiteral("15:45")))}});
         }},
        {QStringLiteral("post"), booked + QStringLiteral("/checkout"), 409, [=, this] {
             const QString code = held(QStringLiteral("17:15"), QStringLiteral("TWICE3"));
             post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("TWICE3")}});
             return post(QStringLiteral("/api/bookings/%1/checkout").arg(code), {});
         }},
        {QStringLiteral("get"), old + QStringLiteral("services-index"), 200, [=, this] { return get(old + QStringLiteral("services-index")); }},
        {QStringLiteral("get"), old + QStringLiteral("services-id"), 200,
         [=, this] { return get(old + QStringLiteral("services-id?id=%1").arg(m_f.wash)); }},
        {QStringLiteral("get"), old + QStringLiteral("services-id"), 404, [=, this] { return get(old + QStringLiteral("services-id?id=0")); }},
        {QStringLiteral("get"), old + QStringLiteral("bookings-availability"), 200,
         [=, this] { return get(old + QStringLiteral("bookings-availability?date=%1&serviceId=%2").arg(day).arg(m_f.wash)); }},
        {QStringLiteral("get"), old + QStringLiteral("bookings-availability"), 400,
         [=, this] { return get(old + QStringLiteral("bookings-availability?date=%1").arg(day)); }},
        {QStringLiteral("post"), old + QStringLiteral("bookings-create"), 201,
         [=, this] { return post(old + QStringLiteral("bookings-create"), booking(QStringLiteral("09:30"), QStringLiteral("OLD1"))); }},
        {QStringLiteral("post"), old + QStringLiteral("bookings-create"), 400,
         [=, this] { return post(old + QStringLiteral("bookings-create"), {}); }},
        {QStringLiteral("post"), old + QStringLiteral("bookings-create"), 409, [=, this] {
             held(QStringLiteral("09:45"), QStringLiteral("OLDF1"));
             held(QStringLiteral("09:45"), QStringLiteral("OLDF2"));
             return post(old + QStringLiteral("bookings-create"), booking(QStringLiteral("09:45"), QStringLiteral("OLDF3")));
         }},
        {QStringLiteral("post"), old + QStringLiteral("payment-create-session"), 200, [=, this] {
             return post(old + QStringLiteral("payment-create-session"),
                         {{QStringLiteral("bookingId"), held(QStringLiteral("08:15"), QStringLiteral("OLDP1"))}});
         }},
        {QStringLiteral("post"), old + QStringLiteral("payment-create-session"), 404,
         [=, this] { return post(old + QStringLiteral("payment-create-session"), {{QStringLiteral("code"), QStringLiteral("NOPE99")}}); }},
        {QStringLiteral("post"), old + QStringLiteral("payment-create-session"), 409, [=, this] {
             const QString code = held(QStringLiteral("08:30"), QStringLiteral("OLDP2"));
             post(QStringLiteral("/api/bookings/%1/cancel").arg(code), {{QStringLiteral("plate"), QStringLiteral("OLDP2")}});
             return post(old + QStringLiteral("payment-create-session"), {{QStringLiteral("code"), code}});
         }},
        {QStringLiteral("get"), old + QStringLiteral("debug-health"), 200, [=, this] { return get(old + QStringLiteral("debug-health")); }},
    };
}

void TestOpenApi::everyDocumentedRouteAndStatusIsWhatTheServerAnswers()
{
    const SchemaCheck schemas(m_document);
    QSet<QString> documented;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto path = paths.begin(); path != paths.end(); ++path) {
        const QJsonObject operations = path.value().toObject();
        for (auto op = operations.begin(); op != operations.end(); ++op) {
            const QJsonObject responses = op.value().toObject().value(QStringLiteral("responses")).toObject();
            for (const QString &status : responses.keys())
                documented << QStringLiteral("%1 %2 %3").arg(op.key(), path.key(), status);
        }
    }
    QSet<QString> provoked;
    QStringList problems;
    auto runPhase = [&](Phase phase) {
        for (const Case &c : cases(phase)) {
            const QString key = QStringLiteral("%1 %2 %3").arg(c.method, c.path).arg(c.status);
            provoked << key;
            const Response r = c.run();
            if (r.status != c.status) {
                problems << key + QStringLiteral(": answered %1 %2").arg(r.status).arg(QString::fromUtf8(r.body.left(300)));
                continue;
            }
            const QJsonObject documentedAnswer = schemas.resolve(paths.value(c.path)
                                                                     .toObject()
                                                                     .value(c.method)
                                                                     .toObject()
                                                                     .value(QStringLiteral("responses"))
                                                                     .toObject()
                                                                     .value(QString::number(c.status))
                                                                     .toObject());
            const QJsonObject schema = documentedAnswer.value(QStringLiteral("content"))
                                           .toObject()
                                           .value(QStringLiteral("application/json"))
                                           .toObject()
                                           .value(QStringLiteral("schema"))
                                           .toObject();
            QJsonParseError error;
            const QJsonDocument body = QJsonDocument::fromJson(r.body, &error);
            if (error.error != QJsonParseError::NoError) {
                problems << key + QStringLiteral(": not JSON");
                continue;
            }
            problems += schemas.check(body.isArray() ? QJsonValue(body.array()) : QJsonValue(body.object()), schema, key);
            for (const QString &header : documentedAnswer.value(QStringLiteral("headers")).toObject().keys()) {
                if (!r.headers.contains(header.toLower().toLatin1()))
                    problems << key + QStringLiteral(": no %1 header").arg(header);
            }
        }
    };
    runPhase(Normal);
    restartServer(QStringLiteral("INSERT INTO site_settings (key, value) VALUES ('api.write_burst', '1'), "
                                 "('api.write_rate_per_minute', '1') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"));
    post(QStringLiteral("/api/bookings"), {}); // the one write the bucket holds
    runPhase(WritesLimited);
    restartServer(QStringLiteral("DELETE FROM site_settings WHERE key LIKE 'api.%'"));
    QVERIFY(m_cluster.stop());
    runPhase(DatabaseAway);
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));

    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    QStringList undocumented = QStringList(provoked.cbegin(), provoked.cend());
    undocumented.removeIf([&documented](const QString &k) { return documented.contains(k); });
    QStringList unprovoked = QStringList(documented.cbegin(), documented.cend());
    unprovoked.removeIf([&provoked](const QString &k) { return provoked.contains(k); });
    QVERIFY2(undocumented.isEmpty(), qPrintable(QStringLiteral("answered but not documented: ") + undocumented.join(u'\n')));
    QVERIFY2(unprovoked.isEmpty(), qPrintable(QStringLiteral("documented but never provoked: ") + unprovoked.join(u'\n')));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    TestOpenApi test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_openapi.moc"
