// carwash-admin kiosk list|set as an operator or a script uses them, and
// kiosks on `carwash-admin health`: the real carwash-admin against a real
// PostgreSQL. Every change is checked in kiosks and card_readers, with its
// audit row in the operator's name ("cli").
#include "db/health/healthpublisher.h"
#include "db/health/processhealthrepo.h"
#include "db/kiosk/kioskrepo.h"
#include "db/pool/connectionpool.h"
#include "tests/harness/adminprocess.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/paymentsfixture.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <memory>

using AdminProcess::Run;

class TestKioskCli : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase() { m_pool.reset(); }

    void setMakesTheKioskAndListShowsItAsTextAndJson();
    void setChangesOnlyWhatIsGiven();
    void everyWrongFieldIsNamedWithWhatIsAcceptedAndNothingIsWritten();
    void aReaderServingAnotherDeviceIsRefusedAndNoReaderFreesIt();
    void aRunningKioskIsListedAsRunningAndNamedOnHealth();
    void wrongUsageExitsTwo();

private:
    Run admin(const QStringList &args);
    QVariant sql(const QString &text) { return PaymentsFixture::sql(m_cluster, text); }
    // What a kiosk's (or a desk's) HealthPublisher writes.
    void publish(const ProcessIdentity &process);

    PgTestCluster m_cluster;
    QProcessEnvironment m_env;
    std::unique_ptr<ConnectionPool> m_pool;
};

void TestKioskCli::initTestCase()
{
    QVERIFY2(QFileInfo::exists(AdminProcess::path()), qPrintable(AdminProcess::path()));
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    m_env = AdminProcess::environmentFor(m_cluster.port());
    const Run migrated = admin({QStringLiteral("migrate")});
    QVERIFY2(migrated.exitCode == 0, migrated.err.constData());
    m_pool = std::make_unique<ConnectionPool>(m_cluster.config(QStringLiteral("tst_kioskcli")));
}

void TestKioskCli::init()
{
    sql(QStringLiteral("DELETE FROM attendant_calls; DELETE FROM kiosks; DELETE FROM card_readers; "
                       "DELETE FROM process_health; DELETE FROM audit_log; "
                       "INSERT INTO card_readers (id, label) VALUES ('tmr_Kiosk1', 'Entrance kiosk'), "
                       "('tmr_Front1', 'Front desk')"));
}

Run TestKioskCli::admin(const QStringList &args)
{
    return AdminProcess::run(args, m_env);
}

void TestKioskCli::publish(const ProcessIdentity &process)
{
    ConnectionPool &pool = *m_pool;
    const QJsonObject snapshot = HealthPublisher::buildSnapshot(pool, process, 1.0);
    const auto published = pool.withConnection(QStringLiteral("test.publish"),
                                               [process, snapshot](QSqlDatabase &db) {
                                                   ProcessHealthRepo(db).publish(process, snapshot);
                                               })
                               .result();
    QVERIFY(published.ok());
}

void TestKioskCli::setMakesTheKioskAndListShowsItAsTextAndJson()
{
    const Run made = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                            QStringLiteral("--language"), QStringLiteral("es"), QStringLiteral("--methods"),
                            QStringLiteral("phone,reader"), QStringLiteral("--reader"),
                            QStringLiteral("tmr_Kiosk1"), QStringLiteral("--json")});
    QVERIFY2(made.exitCode == 0, made.err.constData());
    const QJsonObject kiosk = made.json().object();
    QCOMPARE(kiosk[u"name"].toString(), QStringLiteral("Entrance"));
    QCOMPARE(kiosk[u"language"].toString(), QStringLiteral("es"));
    QCOMPARE(kiosk[u"methods"].toArray(), (QJsonArray {QStringLiteral("reader"), QStringLiteral("phone")}));
    QCOMPARE(kiosk[u"reader"].toString(), QStringLiteral("tmr_Kiosk1"));
    QCOMPARE(kiosk[u"running"].toBool(true), false);
    QCOMPARE(kiosk[u"updated_by"].toString(), QStringLiteral("cli"));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', name, language, methods::text, updated_by) FROM kiosks"))
            .toString(),
        QStringLiteral("Entrance|es|{reader,phone}|cli"));
    QCOMPARE(
        sql(QStringLiteral("SELECT concat_ws('|', assigned_kind, assigned_to) FROM card_readers WHERE id = "
                           "'tmr_Kiosk1'"))
            .toString(),
        QStringLiteral("kiosk|Entrance"));
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(actor || ' ' || action, ',' ORDER BY id) FROM audit_log WHERE "
                           "action IN ('kiosk.changed', 'reader.assigned')"))
            .toString(),
        QStringLiteral("cli reader.assigned,cli kiosk.changed"));

    admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Car park")});
    const Run listed = admin({QStringLiteral("kiosk"), QStringLiteral("list"), QStringLiteral("--json")});
    QVERIFY2(listed.exitCode == 0, listed.err.constData());
    const QJsonArray kiosks = listed.json().array();
    QCOMPARE(kiosks.size(), 2);
    QCOMPARE(kiosks[0][u"name"].toString(), QStringLiteral("Car park"));
    QCOMPARE(kiosks[0][u"language"].toString(), QStringLiteral("en"));
    QCOMPARE(kiosks[0][u"methods"].toArray(),
             (QJsonArray {QStringLiteral("reader"), QStringLiteral("phone")}));
    QVERIFY(kiosks[0][u"reader"].isNull());
    QCOMPARE(kiosks[1].toObject(), kiosk);

    const Run text = admin({QStringLiteral("kiosk"), QStringLiteral("list")});
    QCOMPARE(text.exitCode, 0);
    const QStringList lines = text.outText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 2);
    QVERIFY2(lines[0].startsWith(QStringLiteral("Car park")) && lines[0].contains(QStringLiteral("no reader"))
                 && lines[0].contains(QStringLiteral("not running")),
             qPrintable(lines[0]));
    QVERIFY2(lines[1].startsWith(QStringLiteral("Entrance")) && lines[1].contains(QStringLiteral(" es "))
                 && lines[1].contains(QStringLiteral("reader,phone"))
                 && lines[1].contains(QStringLiteral("tmr_Kiosk1")),
             qPrintable(lines[1]));

    sql(QStringLiteral("DELETE FROM kiosks"));
    const Run none = admin({QStringLiteral("kiosk"), QStringLiteral("list")});
    QCOMPARE(none.exitCode, 0);
    QVERIFY2(none.outText().contains(QStringLiteral("No kiosks yet")), none.out.constData());
}

void TestKioskCli::setChangesOnlyWhatIsGiven()
{
    QCOMPARE(admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                    QStringLiteral("--methods"), QStringLiteral("desk"), QStringLiteral("--reader"),
                    QStringLiteral("tmr_Kiosk1")})
                 .exitCode,
             0);
    const Run german = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                              QStringLiteral("--language"), QStringLiteral("DE")});
    QVERIFY2(german.exitCode == 0, german.err.constData());
    QVERIFY2(
        german.outText().contains(QStringLiteral("Kiosk Entrance: language de, pays by desk, tmr_Kiosk1.")),
        german.out.constData());
    QCOMPARE(sql(QStringLiteral("SELECT concat_ws('|', language, methods::text) FROM kiosks")).toString(),
             QStringLiteral("de|{desk}"));
    QCOMPARE(sql(QStringLiteral("SELECT assigned_to FROM card_readers WHERE id = 'tmr_Kiosk1'")).toString(),
             QStringLiteral("Entrance"));
}

void TestKioskCli::everyWrongFieldIsNamedWithWhatIsAcceptedAndNothingIsWritten()
{
    const Run bad = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                           QStringLiteral("--language"), QStringLiteral("fr"), QStringLiteral("--methods"),
                           QStringLiteral("cash,phone"), QStringLiteral("--reader"),
                           QStringLiteral("reader-1"), QStringLiteral("--json")});
    QCOMPARE(bad.exitCode, 2);
    const QJsonArray errors = bad.json()[u"errors"].toArray();
    QCOMPARE(errors.size(), 3);
    QStringList fields;
    for (const QJsonValue &e : errors)
        fields << e[u"field"].toString();
    QCOMPARE(fields,
             (QStringList {QStringLiteral("language"), QStringLiteral("methods"), QStringLiteral("reader")}));
    for (const QString &expected :
         {QStringLiteral("language: \"fr\""), QStringLiteral("en, es, de"),
          QStringLiteral("methods: \"cash\""), QStringLiteral("reader, phone, desk"),
          QStringLiteral("reader: \"reader-1\""), QStringLiteral("tmr_")})
        QVERIFY2(bad.errText().contains(expected), bad.err.constData());
    const Run empty = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                             QStringLiteral("--methods"), QStringLiteral(",")});
    QCOMPARE(empty.exitCode, 2);
    QVERIFY2(empty.errText().startsWith(QStringLiteral("methods: ")), empty.err.constData());
    const Run longName = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QString(65, u'k')});
    QCOMPARE(longName.exitCode, 2);
    QVERIFY2(longName.errText().startsWith(QStringLiteral("name: ")), longName.err.constData());
    const Run blankReader = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                                   QStringLiteral("--reader"), QString()});
    QCOMPARE(blankReader.exitCode, 2);
    QVERIFY2(blankReader.errText().contains(QStringLiteral("--no-reader")), blankReader.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM audit_log")).toInt(), 0);
}

void TestKioskCli::aReaderServingAnotherDeviceIsRefusedAndNoReaderFreesIt()
{
    sql(QStringLiteral("UPDATE card_readers SET assigned_kind = 'desk', assigned_to = 'Front' WHERE id = "
                       "'tmr_Front1'"));
    const Run taken
        = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                 QStringLiteral("--reader"), QStringLiteral("tmr_Front1"), QStringLiteral("--json")});
    QCOMPARE(taken.exitCode, 2);
    QVERIFY2(taken.errText().contains(QStringLiteral("Reader tmr_Front1 serves the desk \"Front\"")),
             taken.err.constData());
    QCOMPARE(taken.json()[u"error"][u"kind"].toString(), DbError::kindName(DbError::Kind::Invalid));
    const Run unknown = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                               QStringLiteral("--reader"), QStringLiteral("tmr_Nowhere")});
    QCOMPARE(unknown.exitCode, 3);
    QVERIFY2(unknown.errText().contains(QStringLiteral("reader list")), unknown.err.constData());
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks")).toInt(), 0);
    QCOMPARE(sql(QStringLiteral("SELECT assigned_to FROM card_readers WHERE id = 'tmr_Front1'")).toString(),
             QStringLiteral("Front"));

    QCOMPARE(admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                    QStringLiteral("--reader"), QStringLiteral("tmr_Kiosk1")})
                 .exitCode,
             0);
    const Run both
        = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                 QStringLiteral("--reader"), QStringLiteral("tmr_Kiosk1"), QStringLiteral("--no-reader")});
    QCOMPARE(both.exitCode, 2);
    const Run freed = admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance"),
                             QStringLiteral("--no-reader"), QStringLiteral("--json")});
    QVERIFY2(freed.exitCode == 0, freed.err.constData());
    QVERIFY(freed.json()[u"reader"].isNull());
    QVERIFY(sql(QStringLiteral("SELECT assigned_to FROM card_readers WHERE id = 'tmr_Kiosk1'")).isNull());
    QCOMPARE(
        sql(QStringLiteral("SELECT string_agg(actor || ' ' || action, ',' ORDER BY id) FROM audit_log WHERE "
                           "action LIKE 'reader.%'"))
            .toString(),
        QStringLiteral("cli reader.assigned,cli reader.unassigned"));
}

void TestKioskCli::aRunningKioskIsListedAsRunningAndNamedOnHealth()
{
    admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Entrance")});
    admin({QStringLiteral("kiosk"), QStringLiteral("set"), QStringLiteral("Exit")});
    ProcessIdentity kiosk = ProcessIdentity::current(KioskRepo::program(), QStringLiteral("Entrance"));
    kiosk.host = QStringLiteral("kiosk-pc-1");
    publish(kiosk);
    ProcessIdentity desk = ProcessIdentity::current(QStringLiteral("carwash"));
    desk.host = QStringLiteral("front-pc");
    publish(desk);
    // A kiosk that stopped publishing long ago is not running.
    ProcessIdentity gone = ProcessIdentity::current(KioskRepo::program(), QStringLiteral("Exit"));
    gone.host = QStringLiteral("kiosk-pc-2");
    publish(gone);
    sql(QStringLiteral(
        "UPDATE process_health SET updated_at = now() - interval '1 hour' WHERE host = 'kiosk-pc-2'"));

    const Run listed = admin({QStringLiteral("kiosk"), QStringLiteral("list"), QStringLiteral("--json")});
    const QJsonArray kiosks = listed.json().array();
    QCOMPARE(kiosks.size(), 2);
    QCOMPARE(kiosks[0][u"name"].toString(), QStringLiteral("Entrance"));
    QCOMPARE(kiosks[0][u"running"].toBool(false), true);
    QCOMPARE(kiosks[1][u"name"].toString(), QStringLiteral("Exit"));
    QCOMPARE(kiosks[1][u"running"].toBool(true), false);

    const Run health = admin({QStringLiteral("health"), QStringLiteral("--json")});
    QVERIFY2(health.json().isObject(), health.out.constData());
    QMap<QString, QJsonObject> byHost;
    for (const QJsonValue &p : health.json()[u"processes"].toArray())
        byHost.insert(p[u"host"].toString(), p.toObject());
    QVERIFY2(byHost.contains(QStringLiteral("kiosk-pc-1")), health.out.constData());
    QCOMPARE(byHost[QStringLiteral("kiosk-pc-1")][u"program"].toString(), QStringLiteral("carwash-kiosk"));
    QCOMPARE(byHost[QStringLiteral("kiosk-pc-1")][u"name"].toString(), QStringLiteral("Entrance"));
    QVERIFY(byHost[QStringLiteral("front-pc")][u"name"].isNull());
    QCOMPARE(sql(QStringLiteral(
                     "SELECT snapshot->'process'->>'name' FROM process_health WHERE host = 'kiosk-pc-1'"))
                 .toString(),
             QStringLiteral("Entrance"));
    const Run text = admin({QStringLiteral("health")});
    QVERIFY2(text.outText().contains(QStringLiteral("carwash-kiosk \"Entrance\" on kiosk-pc-1")),
             text.out.constData());
}

void TestKioskCli::wrongUsageExitsTwo()
{
    for (const QStringList &args :
         {QStringList {QStringLiteral("kiosk")},
          QStringList {QStringLiteral("kiosk"), QStringLiteral("remove"), QStringLiteral("X")},
          QStringList {QStringLiteral("kiosk"), QStringLiteral("list"), QStringLiteral("--language"),
                       QStringLiteral("es")},
          QStringList {QStringLiteral("kiosk"), QStringLiteral("set")}}) {
        const Run r = admin(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.errText().contains(QStringLiteral("Usage: carwash-admin kiosk list")), r.err.constData());
    }
    QCOMPARE(sql(QStringLiteral("SELECT count(*) FROM kiosks")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestKioskCli)
#include "tst_kioskcli.moc"
