// The carwash program, desk and kiosk, run as the real process against a
// real PostgreSQL and ended by SIGTERM as a session logout, a machine's
// shutdown or a service manager ends it (and by SIGINT, Ctrl+C): it exits
// 0, removes its health row (not left as a "lost" process on every
// manager's diagnostics), closes every connection it had, and a kiosk
// releases the holds it made first, as when a manager leaves it by PIN.
#include "db/kiosk/kioskrepo.h"
#include "tests/harness/nohang.h"
#include "tests/harness/testnames.h"
#include "tests/kioskfixture.h"
#include "tests/paymentsfixture.h"

#include <QApplication>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using TestWaits::kNoHangMs;

class TestProgramTermination : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase() { startKioskSite(QStringLiteral("tst_programtermination")); }
    void init() { resetKioskSite(); }
    void cleanupTestCase() { stopKioskSite(); }

    void theDeskEndsCleanlyOnASignal_data();
    void theDeskEndsCleanlyOnASignal();
    void theKioskReleasesItsHoldsAndEndsCleanlyOnSigterm();

private:
    // carwash with arguments on the fixture's database as applicationName,
    // offscreen, its settings in a folder of its own; true once its health
    // row is published (it is then up, on the database, ready).
    bool startProgram(QProcess &program, const QString &applicationName, const QStringList &arguments);
    // Sends signalNumber; true once the program exited 0 by itself.
    bool endBySignal(QProcess &program, int signalNumber);
    int healthRowsOf(qint64 pid) { return value(QStringLiteral("SELECT count(*) FROM process_health WHERE pid = %1").arg(pid)).toInt(); }
    int backendsOf(const QString &applicationName)
    {
        // The pool's connections and the listener's ("…-listen").
        return value(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE application_name IN (%1, %2)")
                       .arg(TestNames::quoted(applicationName), TestNames::quoted(applicationName + QStringLiteral("-listen"))))
            .toInt();
    }

    QTemporaryDir m_home;
};

bool TestProgramTermination::startProgram(QProcess &program, const QString &applicationName,
                                          const QStringList &arguments)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DATABASE_URL"),
               QStringLiteral("postgresql://carwash@127.0.0.1:%1/carwash?connect_timeout=3&application_name=%2")
                   .arg(m_cluster.port())
                   .arg(applicationName));
    env.insert(QStringLiteral("HOME"), m_home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("CARWASH_LANG"), QStringLiteral("en"));
    program.setProcessEnvironment(env);
    program.setProcessChannelMode(QProcess::MergedChannels);
    program.start(qEnvironmentVariable("CARWASH_BIN_DIR") + QStringLiteral("/carwash"), arguments);
    if (!program.waitForStarted(kNoHangMs)) {
        qWarning("carwash did not start: %s", qPrintable(program.errorString()));
        return false;
    }
    QDeadlineTimer deadline(kNoHangMs);
    while (!deadline.hasExpired() && program.state() == QProcess::Running) {
        if (healthRowsOf(program.processId()) == 1)
            return true;
        QTest::qWait(50);
    }
    qWarning("carwash never published its health: %s", program.readAll().constData());
    return false;
}

bool TestProgramTermination::endBySignal(QProcess &program, int signalNumber)
{
    ::kill(pid_t(program.processId()), signalNumber);
    if (!program.waitForFinished(kNoHangMs)) {
        qWarning("carwash still runs after signal %d: %s", signalNumber, program.readAll().constData());
        program.kill();
        program.waitForFinished(kNoHangMs);
        return false;
    }
    const QByteArray log = program.readAll();
    if (program.exitStatus() != QProcess::NormalExit || program.exitCode() != 0) {
        qWarning("carwash ended by signal %d with status %d, code %d: %s", signalNumber, int(program.exitStatus()),
                 program.exitCode(), log.constData());
        return false;
    }
    return true;
}

void TestProgramTermination::theDeskEndsCleanlyOnASignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestProgramTermination::theDeskEndsCleanlyOnASignal()
{
    QFETCH(int, signalNumber);
    const QString name = QStringLiteral("tst-term-desk-%1").arg(signalNumber);
    QProcess desk;
    QVERIFY(startProgram(desk, name, {}));
    const qint64 pid = desk.processId();
    QVERIFY(backendsOf(name) >= 1);

    QVERIFY(endBySignal(desk, signalNumber));
    QCOMPARE(healthRowsOf(pid), 0);
    // A backend ends a moment after its client closed the socket.
    QTRY_COMPARE_WITH_TIMEOUT(backendsOf(name), 0, kNoHangMs);
}

void TestProgramTermination::theKioskReleasesItsHoldsAndEndsCleanlyOnSigterm()
{
    const QString kiosk = QStringLiteral("Termination");
    setKiosk(kiosk, {QStringLiteral("phone"), QStringLiteral("desk")});
    const QString name = QStringLiteral("tst-term-kiosk");
    QProcess program;
    QVERIFY(startProgram(program, name, {QStringLiteral("--kiosk"), QStringLiteral("--kiosk-name"), kiosk}));
    const qint64 pid = program.processId();
    // The kiosk's health row carries its name.
    QCOMPARE(value(QStringLiteral("SELECT program || ' ' || label FROM process_health WHERE pid = %1")
                     .arg(pid))
                 .toString(),
             QStringLiteral("carwash-kiosk ") + kiosk);
    // Holds it made while it ran (its start released the older ones), and
    // another kiosk's, which are not its to release.
    const qint64 mine = PaymentsFixture::addBooking(m_cluster, QStringLiteral("held"), 3000);
    const qint64 other = PaymentsFixture::addBooking(m_cluster, QStringLiteral("held"), 3000);
    sql(QStringLiteral("UPDATE bookings SET created_by = %1 WHERE id = %2; UPDATE bookings SET created_by = %3 WHERE id = %4")
            .arg(TestNames::quoted(KioskRepo::actorFor(kiosk)))
            .arg(mine)
            .arg(TestNames::quoted(KioskRepo::actorFor(QStringLiteral("Other"))))
            .arg(other));

    QVERIFY(endBySignal(program, SIGTERM));
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(mine)).toString(),
             QStringLiteral("cancelled"));
    QCOMPARE(value(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(other)).toString(),
             QStringLiteral("held"));
    // Said why in the booking's history.
    QCOMPARE(value(QStringLiteral("SELECT count(*) FROM audit_log WHERE entity_id = '%1' AND actor = %2 "
                                "AND details::text LIKE '%kiosk program ended%'")
                     .arg(mine)
                     .arg(TestNames::quoted(KioskRepo::actorFor(kiosk))))
                 .toInt(),
             1);
    QCOMPARE(healthRowsOf(pid), 0);
    QTRY_COMPARE_WITH_TIMEOUT(backendsOf(name), 0, kNoHangMs);
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    TestProgramTermination test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_programtermination.moc"
