// The database password in the OS keychain, against a real GNOME Keyring in
// a D-Bus session of the test's own (tests/keychain-session.sh starts both):
// stored and read back, never in a settings file, read by the programs, and
// a keychain that stops answering never freezes the window.
#include "app/desk/deskapplication.h"
#include "app/startup/databasestartup.h"
#include "keychain/keychainrequest.h"
#include "tests/harness/deskfixture.h"
#include "ui/desk/deskwindow.h"
#include "ui/manager/databasesettingsdialog.h"

#include <QApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/types.h>

using namespace DeskTest;

namespace {

const char *const CliMode = "--read-password-as-a-command-line-program";

// Runs one request to its end without blocking the test's event loop.
bool finished(KeychainRequest *request, int timeoutMs = kNoHangMs)
{
    QSignalSpy done(request, &KeychainRequest::finished);
    request->start();
    return request->isFinished() || done.wait(timeoutMs);
}

DatabaseConfig serverConfig(int port)
{
    DatabaseConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = port;
    config.database = QStringLiteral("carwash");
    config.user = QStringLiteral("carwash");
    return config;
}

// The command-line programs' way (carwash-admin): DatabaseStartup's
// blocking resolve, whose keychain read runs a local event loop on a thread
// that is not a GUI thread. Prints the password it ends up with.
int readPasswordAsACommandLineProgram(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const DbResult<DatabaseConfig> resolved
        = DatabaseStartup::resolveBlocking(serverConfig(QCoreApplication::arguments().value(2).toInt()));
    std::printf("%s\n", resolved.ok() ? qPrintable(resolved->password) : "(failed)");
    return 0;
}

} // namespace

class TestKeychain : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void aPasswordIsStoredReadBackAndRemoved();
    void readingAKeyThatIsNotThereSaysNotFound();
    void theSettingsDialogKeepsThePasswordInTheKeychainOnly();
    void theDeskProgramReadsThePasswordFromTheKeychain();
    void commandLineProgramsReadThePasswordFromTheKeychain();
    void aKeychainThatStopsAnsweringTimesOutWithoutFreezingTheWindow();

private:
    DeskTestSite m_site;
    PgTestCluster &m_cluster = m_site.cluster();
};

void TestKeychain::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/keychain-session.sh (a D-Bus session with an unlocked keyring)");
    QVERIFY(QDBusConnection::sessionBus().interface()->isServiceRegistered(
        QStringLiteral("org.freedesktop.secrets")));
    // A server only: the programs here connect, but read no tables.
    QString error;
    QVERIFY2(m_site.start(QStringLiteral("tst_keychain"), &error, DeskTestSite::Content::NoSchema),
             qPrintable(error));
}

void TestKeychain::aPasswordIsStoredReadBackAndRemoved()
{
    const QString key = KeychainRequest::databasePasswordKey(
        QStringLiteral("desk"), QStringLiteral("db.example.test:5432"), QStringLiteral("washes"));
    QCOMPARE(key, QStringLiteral("database/desk@db.example.test:5432/washes"));
    std::unique_ptr<KeychainRequest> write(KeychainRequest::write(key, QStringLiteral("pä$$ wörd")));
    QVERIFY(finished(write.get()));
    QVERIFY2(write->error() == KeychainRequest::Error::None, qPrintable(write->errorString()));
    QVERIFY(write->secret().isEmpty()); // not kept in memory after writing

    std::unique_ptr<KeychainRequest> read(KeychainRequest::read(key));
    QVERIFY(finished(read.get()));
    QVERIFY2(read->error() == KeychainRequest::Error::None, qPrintable(read->errorString()));
    QCOMPARE(read->secret(), QStringLiteral("pä$$ wörd"));

    std::unique_ptr<KeychainRequest> remove(KeychainRequest::remove(key));
    QVERIFY(finished(remove.get()));
    QVERIFY2(remove->error() == KeychainRequest::Error::None, qPrintable(remove->errorString()));
    std::unique_ptr<KeychainRequest> again(KeychainRequest::read(key));
    QVERIFY(finished(again.get()));
    QCOMPARE(again->error(), KeychainRequest::Error::NotFound);
}

void TestKeychain::readingAKeyThatIsNotThereSaysNotFound()
{
    std::unique_ptr<KeychainRequest> read(
        KeychainRequest::read(QStringLiteral("database/nobody@nowhere:1/none")));
    QVERIFY(finished(read.get()));
    QCOMPARE(read->error(), KeychainRequest::Error::NotFound);
    QVERIFY(read->secret().isEmpty());
}

void TestKeychain::theSettingsDialogKeepsThePasswordInTheKeychainOnly()
{
    const QString password = QStringLiteral("Keychain-0nly-Pw");
    DatabaseConfig inUse = serverConfig(m_cluster.port());
    DatabaseSettingsDialog dialog(inUse);
    QSignalSpy checked(&dialog, &DatabaseSettingsDialog::keychainChecked);
    QVERIFY(checked.wait(kNoHangMs));
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsHost"))->setText(QStringLiteral("127.0.0.1"));
    dialog.findChild<QSpinBox *>(QStringLiteral("settingsPort"))->setValue(m_cluster.port());
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsDatabase"))->setText(QStringLiteral("carwash"));
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsUser"))->setText(QStringLiteral("carwash"));
    dialog.findChild<QLineEdit *>(QStringLiteral("settingsPassword"))->setText(password);
    QSignalSpy saved(&dialog, &DatabaseSettingsDialog::saved);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("settingsSave")), Qt::LeftButton);
    QVERIFY(saved.wait(kNoHangMs));
    QVERIFY2(saved.first().first().toBool(), qPrintable(dialog.statusText()));
    QVERIFY2(dialog.statusText().contains(QStringLiteral("password in the keychain")),
             qPrintable(dialog.statusText()));

    // In the keychain, under the documented key...
    std::unique_ptr<KeychainRequest> read(
        KeychainRequest::read(QStringLiteral("database/carwash@127.0.0.1:%1/carwash").arg(m_cluster.port())));
    QVERIFY(finished(read.get()));
    QCOMPARE(read->secret(), password);
    QCOMPARE(KeychainRequest::serviceName(), QStringLiteral("carwash-desk"));

    // ...and in no settings file.
    QSettings settings;
    settings.sync();
    QCOMPARE(settings.value(QStringLiteral("database/host")).toString(), QStringLiteral("127.0.0.1"));
    QVERIFY(!settings.contains(QStringLiteral("database/password")));
    QString why;
    QVERIFY2(m_site.settingsFilesLackSecret(password.toUtf8(), &why), qPrintable(why));

    // Opening the settings again finds the password there.
    DatabaseSettingsDialog reopened(inUse);
    QSignalSpy reopenedChecked(&reopened, &DatabaseSettingsDialog::keychainChecked);
    QVERIFY(reopenedChecked.wait(kNoHangMs));
    QCOMPARE(reopened.enteredConfig().password, password);
    QVERIFY2(reopened.keychainText().contains(QStringLiteral("saved in the keychain")),
             qPrintable(reopened.keychainText()));
}

void TestKeychain::theDeskProgramReadsThePasswordFromTheKeychain()
{
    const QString password = QStringLiteral("for-the-desk");
    std::unique_ptr<KeychainRequest> write(KeychainRequest::write(
        QStringLiteral("database/carwash@127.0.0.1:%1/carwash").arg(m_cluster.port()), password));
    QVERIFY(finished(write.get()));
    QCOMPARE(write->error(), KeychainRequest::Error::None);

    // A URL without a password: the keychain supplies it.
    qputenv("DATABASE_URL", m_cluster.url().toUtf8());
    auto unset = qScopeGuard([] { qunsetenv("DATABASE_URL"); });
    DeskApplication desk;
    QSignalSpy ready(&desk, &DeskApplication::ready);
    QSignalSpy failed(&desk, &DeskApplication::failed);
    desk.start();
    QCOMPARE(desk.stage(), DeskApplication::Stage::ReadingPassword);
    QTRY_VERIFY_WITH_TIMEOUT(ready.size() + failed.size() > 0, kNoHangMs);
    QVERIFY(failed.isEmpty());
    QCOMPARE(desk.config().password, password);
}

void TestKeychain::commandLineProgramsReadThePasswordFromTheKeychain()
{
    const QString password = QStringLiteral("for-the-command-line");
    std::unique_ptr<KeychainRequest> write(KeychainRequest::write(
        QStringLiteral("database/carwash@127.0.0.1:%1/carwash").arg(m_cluster.port()), password));
    QVERIFY(finished(write.get()));
    QProcess cli;
    cli.start(QCoreApplication::applicationFilePath(),
              {QString::fromLatin1(CliMode), QString::number(m_cluster.port())});
    QVERIFY(cli.waitForFinished(kNoHangMs));
    QCOMPARE(cli.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(cli.readAllStandardOutput()).trimmed(), password);
}

void TestKeychain::aKeychainThatStopsAnsweringTimesOutWithoutFreezingTheWindow()
{
    // A stopped keyring keeps its name on the bus but never replies: the
    // same as a locked one waiting for a prompt nobody sees.
    const uint pid
        = QDBusConnection::sessionBus().interface()->servicePid(QStringLiteral("org.freedesktop.secrets"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    auto resume = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });

    LoopTicks ticks;
    std::unique_ptr<KeychainRequest> read(KeychainRequest::read(QStringLiteral("database/a@b:1/c")));
    read->setTimeout(1500);
    QVERIFY(finished(read.get(), kNoHangMs));
    QCOMPARE(read->error(), KeychainRequest::Error::TimedOut);
    QVERIFY(ticks.count() > 0); // the window's loop ran while the keychain said nothing
    QVERIFY2(read->errorString().contains(QStringLiteral("did not answer")), qPrintable(read->errorString()));

    // The settings dialog says so, and what to do instead.
    DatabaseSettingsDialog dialog(serverConfig(m_cluster.port()));
    dialog.setKeychainTimeout(1000);
    dialog.show();
    QSignalSpy checked(&dialog, &DatabaseSettingsDialog::keychainChecked);
    const int ticksBefore = ticks.count();
    QVERIFY(checked.wait(kNoHangMs));
    QVERIFY(ticks.count() > ticksBefore + 5);
    QVERIFY2(dialog.keychainText().contains(QStringLiteral("did not answer")),
             qPrintable(dialog.keychainText()));
    QVERIFY2(dialog.keychainText().contains(QStringLiteral("DATABASE_URL=postgresql://")),
             qPrintable(dialog.keychainText()));
}

int main(int argc, char *argv[])
{
    if (argc >= 2 && qstrcmp(argv[1], CliMode) == 0)
        return readPasswordAsACommandLineProgram(argc, argv);
    QApplication app(argc, argv);
    TestKeychain test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keychain.moc"
