// A connection refused for a reason no retry can cure, tried as a new user
// would against a real PostgreSQL: a wrong or missing password, an unknown
// user or database, sslmode=require against a server without SSL, a
// pg_hba.conf rule. Each is a configuration problem named at once, after one
// attempt: by the pool, by carwash-admin (exit 2) and in the database
// settings dialog. A server that is down stays "unavailable" and is retried.
#include "app/desk/deskapplication.h"
#include "db/health/poolmonitor.h"
#include "db/pool/connectionpool.h"
#include "db/pool/sql.h"
#include "tests/harness/deskfixture.h"
#include "tests/harness/nohang.h"
#include "tests/harness/pgtestcluster.h"
#include "tests/harness/testnames.h"
#include "ui/common/errorbanner.h"
#include "ui/desk/deskwindow.h"
#include "ui/desk/startuppage.h"
#include "ui/manager/databasesettingsdialog.h"

#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>
#include <QUrl>

using TestWaits::kNoHangMs;

namespace {

struct Case
{
    QString user;
    QString password;
    QString database = QStringLiteral("carwash");
    QString sslMode;
};

Case as(const QString &user, const QString &password = {}, const QString &database = QStringLiteral("carwash"),
        const QString &sslMode = {})
{
    return {user, password, database, sslMode};
}

} // namespace

Q_DECLARE_METATYPE(Case)

class TestConnectRefusal : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();

    void refusedConnectionIsAConfigurationProblemAfterOneAttempt_data();
    void refusedConnectionIsAConfigurationProblemAfterOneAttempt();
    void serverThatIsDownStaysUnavailableAndIsRetried();
    void carwashAdminExitsTwoWithTheLineThatSaysWhatToChange_data();
    void carwashAdminExitsTwoWithTheLineThatSaysWhatToChange();
    void settingsDialogShowsWhatToChange_data();
    void settingsDialogShowsWhatToChange();
    void deskStartUpShowsWhatToChange_data();
    void deskStartUpShowsWhatToChange();

private:
    void addCases();
    DatabaseConfig configFor(const Case &c) const;
    QString urlFor(const Case &c) const;

    PgTestCluster m_cluster;
};

void TestConnectRefusal::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QString error;
    QVERIFY2(m_cluster.start(&error), qPrintable(error));
    for (const QString &sql :
         {QStringLiteral("CREATE ROLE pw_user LOGIN PASSWORD 'right-Pw-1'"),
          QStringLiteral("CREATE ROLE hba_rejected LOGIN"), QStringLiteral("CREATE ROLE unlisted LOGIN")}) {
        m_cluster.queryBlocking(sql, QStringLiteral("carwash"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    // carwash (the harness's own) and "ghost", a role that does not exist,
    // are trusted; pw_user must give its password; hba_rejected is refused by
    // a rule; unlisted matches no rule at all.
    QVERIFY2(m_cluster.setHostRules({QStringLiteral("host all carwash 127.0.0.1/32 trust"),
                                     QStringLiteral("host all ghost 127.0.0.1/32 trust"),
                                     QStringLiteral("host all pw_user 127.0.0.1/32 scram-sha-256"),
                                     QStringLiteral("host all hba_rejected 127.0.0.1/32 reject")},
                                    &error),
             qPrintable(error));
}

void TestConnectRefusal::addCases()
{
    QTest::addColumn<Case>("attempt");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("says");
    const auto row = [](const char *name, Case c, const char *state, const char *says) {
        QTest::newRow(name) << c << QString::fromLatin1(state) << QString::fromUtf8(says);
    };
    row("wrong password", as(QStringLiteral("pw_user"), QStringLiteral("wrong")), "28P01",
        "refused the password for user “pw_user”");
    row("no password", as(QStringLiteral("pw_user")), "", "asks for a password for user “pw_user”");
    row("unknown user", as(QStringLiteral("ghost")), "28000", "user name");
    row("unknown database", as(QStringLiteral("carwash"), {}, QStringLiteral("no_such_db")), "3D000",
        "The database “no_such_db” does not exist");
    row("sslmode require, server without SSL",
        as(QStringLiteral("carwash"), {}, QStringLiteral("carwash"), QStringLiteral("require")), "",
        "sslmode “require”");
    row("pg_hba.conf reject rule", as(QStringLiteral("hba_rejected")), "28000", "pg_hba.conf");
    row("no pg_hba.conf entry", as(QStringLiteral("unlisted")), "28000", "pg_hba.conf");
}

DatabaseConfig TestConnectRefusal::configFor(const Case &c) const
{
    DatabaseConfig config = m_cluster.config(TestNames::applicationName(QStringLiteral("tst_refusal")));
    config.user = c.user;
    config.password = c.password;
    config.database = c.database;
    config.sslMode = c.sslMode;
    config.connectTimeoutS = 10;
    return config;
}

QString TestConnectRefusal::urlFor(const Case &c) const
{
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(m_cluster.port());
    url.setUserName(c.user);
    if (!c.password.isEmpty())
        url.setPassword(c.password);
    url.setPath(QLatin1Char('/') + c.database);
    url.setQuery(c.sslMode.isEmpty() ? QStringLiteral("connect_timeout=10")
                                     : QStringLiteral("connect_timeout=10&sslmode=") + c.sslMode);
    return url.toString();
}

void TestConnectRefusal::refusedConnectionIsAConfigurationProblemAfterOneAttempt_data()
{
    addCases();
}

void TestConnectRefusal::refusedConnectionIsAConfigurationProblemAfterOneAttempt()
{
    QFETCH(Case, attempt);
    QFETCH(QString, state);
    QFETCH(QString, says);
    ConnectionPool pool(configFor(attempt));
    const auto probe
        = pool.withRetry(QStringLiteral("tst.refused"), RetryPolicy::critical(), [](QSqlDatabase &db) {
              return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
          });
    QTRY_VERIFY_WITH_TIMEOUT(probe.isFinished(), kNoHangMs);
    const DbResult<int> result = probe.result();
    QVERIFY(!result.ok());
    const DbError &error = result.error();
    QCOMPARE(error.kind(), DbError::Kind::Configuration);
    QCOMPARE(error.sqlState(), state);
    QVERIFY2(error.message().contains(says), qPrintable(error.message()));
    QVERIFY2(!error.message().contains(QLatin1String("unavailable"))
                 && !error.message().contains(QLatin1String("server is running")),
             qPrintable(error.message()));
    // Not retried, though the policy would have tried eight times: one
    // attempt, one unit of work in the monitor, one error.
    QCOMPARE(error.attempts(), 1);
    const MonitorSnapshot snapshot = pool.monitor().snapshot();
    int jobs = -1;
    for (const LabelStats &l : snapshot.labels) {
        if (l.label == u"tst.refused")
            jobs = int(l.count);
    }
    QCOMPARE(jobs, 1);
    QCOMPARE(pool.stats().connectionsOpened, 0);
}

void TestConnectRefusal::serverThatIsDownStaysUnavailableAndIsRetried()
{
    DatabaseConfig config = configFor(as(QStringLiteral("carwash")));
    config.port = PgTestCluster::freePort();
    ConnectionPool pool(config);
    const RetryPolicy policy {3, 10, 50, 0};
    const auto probe = pool.withRetry(QStringLiteral("tst.down"), policy, [](QSqlDatabase &db) {
        return Sql::scalar(db, QStringLiteral("SELECT 1")).toInt();
    });
    QTRY_VERIFY_WITH_TIMEOUT(probe.isFinished(), kNoHangMs);
    const DbError error = probe.result().error();
    QCOMPARE(error.kind(), DbError::Kind::Unavailable);
    QCOMPARE(error.attempts(), policy.maxAttempts);
    QVERIFY2(error.message().contains(QLatin1String("unavailable")), qPrintable(error.message()));
}

void TestConnectRefusal::carwashAdminExitsTwoWithTheLineThatSaysWhatToChange_data()
{
    addCases();
}

void TestConnectRefusal::carwashAdminExitsTwoWithTheLineThatSaysWhatToChange()
{
    QFETCH(Case, attempt);
    QFETCH(QString, says);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"), urlFor(attempt));
    env.insert(QStringLiteral("HOME"), QDir::tempPath());
    env.remove(QStringLiteral("PGPASSWORD"));
    QProcess admin;
    admin.setProcessEnvironment(env);
    admin.start(QDir(qEnvironmentVariable("CARWASH_BIN_DIR")).filePath(QStringLiteral("carwash-admin")),
                {QStringLiteral("migrate")});
    QVERIFY(admin.waitForFinished(kNoHangMs));
    const QString err = QString::fromUtf8(admin.readAllStandardError());
    QCOMPARE(admin.exitStatus(), QProcess::NormalExit);
    QVERIFY2(admin.exitCode() == 2, qPrintable(QStringLiteral("exit %1: %2").arg(admin.exitCode()).arg(err)));
    QVERIFY2(err.contains(says), qPrintable(err));
    QVERIFY2(!err.contains(QLatin1String("unavailable")), qPrintable(err));
}

void TestConnectRefusal::settingsDialogShowsWhatToChange_data()
{
    addCases();
}

void TestConnectRefusal::settingsDialogShowsWhatToChange()
{
    QFETCH(Case, attempt);
    QFETCH(QString, says);
    DatabaseSettingsDialog dialog(m_cluster.config());
    dialog.setKeychainTimeout(1000);
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsHost"))->setText(QStringLiteral("127.0.0.1"));
    dialog.findChild<QSpinBox *>(QStringLiteral("settingsPort"))->setValue(m_cluster.port());
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(attempt.database);
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsUser"))->setText(attempt.user);
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsPassword"))->setText(attempt.password);
    auto *ssl = dialog.findChild<QComboBox *>(QStringLiteral("settingsSslMode"));
    QVERIFY(ssl);
    const int sslIndex = ssl->findData(attempt.sslMode);
    if (sslIndex >= 0)
        ssl->setCurrentIndex(sslIndex);
    else
        QVERIFY2(attempt.sslMode.isEmpty(), "sslmode not offered");
    QSignalSpy tested(&dialog, &DatabaseSettingsDialog::connectionTested);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsTest")), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(tested.size(), 1, kNoHangMs);
    QCOMPARE(tested.at(0).at(0).toBool(), false);
    const QString status = dialog.statusText();
    QVERIFY2(status.contains(says), qPrintable(status));
    QVERIFY2(!status.contains(QLatin1String("server is running")), qPrintable(status));
}

void TestConnectRefusal::deskStartUpShowsWhatToChange_data()
{
    addCases();
}

void TestConnectRefusal::deskStartUpShowsWhatToChange()
{
    QFETCH(Case, attempt);
    QFETCH(QString, says);
    const QByteArray oldUrl = qgetenv("DATABASE_URL");
    qputenv("DATABASE_URL", urlFor(attempt).toUtf8());
    const auto restore = qScopeGuard([&] {
        if (oldUrl.isEmpty())
            qunsetenv("DATABASE_URL");
        else
            qputenv("DATABASE_URL", oldUrl);
    });
    DeskApplication desk;
    QSignalSpy ready(&desk, &DeskApplication::ready);
    QSignalSpy failed(&desk, &DeskApplication::failed);
    desk.start();
    QTRY_VERIFY_WITH_TIMEOUT(ready.size() + failed.size() > 0, kNoHangMs);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(desk.stage(), DeskApplication::Stage::Failed);
    // The start-up screen's banner carries the line that says what to change.
    QCOMPARE(desk.window().currentPage(), static_cast<QWidget *>(&desk.window().startupPage()));
    const QString shown = desk.window().banner().message();
    QVERIFY2(shown.contains(says), qPrintable(shown));
    QVERIFY2(!shown.contains(QLatin1String("cannot reach")), qPrintable(shown));
}

int main(int argc, char *argv[])
{
    return DeskTest::runWithoutKeychain<TestConnectRefusal>(argc, argv);
}
#include "tst_connectrefusal.moc"
