// carwash-server's Stripe secrets in the keychain of the account it runs as,
// against a real GNOME Keyring in a D-Bus session of the test's own
// (tests/keychain-session.sh starts both): `carwash-server secrets` stores
// them from stdin, the server takes what its environment lacks from there
// and pays and verifies with it, the environment wins, removal, no keychain
// at all, a keychain that does not answer; and never a secret in the output.
#include "keychain/keychainrequest.h"
#include "payments/webhooksignature.h"
#include "tests/harness/nohang.h"
#include "tests/serverpaymentfixture.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include <csignal>
#include <memory>
#include <poll.h>
#include <pty.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <vector>

namespace {

using TestWaits::kNoHangMs;

// Where the documentation says they are kept.
const QStringList KeychainKeys
    = {QStringLiteral("stripe/secret_key"), QStringLiteral("stripe/webhook_secret")};
const auto TheKeychainKey = QStringLiteral("sk_live_fromTheKeychainNotTheFake0000");
const auto TheKeychainWebhookSecret = QStringLiteral("whsec_from_the_keychain_only");

struct Ran
{
    int exitCode = -1;
    QString out;
    QString err;
    QString both() const { return out + err; }
};

// The keychain as the test sees it: one request to its end.
KeychainRequest::Error keychain(KeychainRequest *request, QString *secret = nullptr)
{
    std::unique_ptr<KeychainRequest> owned(request);
    QSignalSpy done(request, &KeychainRequest::finished);
    request->start();
    if (!request->isFinished() && !done.wait(kNoHangMs))
        return KeychainRequest::Error::TimedOut;
    if (secret)
        *secret = request->secret();
    return request->error();
}

// `carwash-server secrets ARGUMENTS` on a terminal (a pseudo-terminal as its
// stdin, stdout and stderr): waits for the prompt, types `typed` and Enter,
// and returns all the terminal showed (in out) and the exit code.
// Also: whether the terminal echoes again after it left (*echoAfter).
Ran onATerminal(const QStringList &arguments, const QByteArray &typed, bool *echoAfter = nullptr)
{
    Ran ran;
    QList<QByteArray> args = {QFile::encodeName(ServerProcess::programPath()), QByteArrayLiteral("secrets")};
    for (const QString &argument : arguments)
        args << argument.toUtf8();
    std::vector<char *> argv;
    for (QByteArray &arg : args)
        argv.push_back(arg.data());
    argv.push_back(nullptr);
    int terminal = -1;
    const pid_t pid = ::forkpty(&terminal, nullptr, nullptr, nullptr);
    if (pid < 0)
        return ran;
    if (pid == 0) {
        ::execv(argv.front(), argv.data());
        ::_exit(127);
    }
    QByteArray shown;
    const auto readSome = [&] {
        pollfd ready {terminal, POLLIN, 0};
        if (::poll(&ready, 1, kNoHangMs) <= 0)
            return false;
        char buffer[512];
        const ssize_t n = ::read(terminal, buffer, sizeof buffer);
        if (n <= 0)
            return false; // EIO: the program has left the terminal
        shown.append(buffer, n);
        return true;
    };
    while (!shown.contains("not shown): ") && readSome()) { }
    const QByteArray line = typed + '\n';
    if (::write(terminal, line.constData(), size_t(line.size())) != line.size())
        return ran;
    while (readSome()) { }
    termios after {};
    if (echoAfter)
        *echoAfter = ::tcgetattr(terminal, &after) == 0 && (after.c_lflag & ECHO);
    ::close(terminal);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ran.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ran.out = QString::fromUtf8(shown);
    return ran;
}

} // namespace

class TestServerKeychain : public QObject, protected ServerPaymentFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanupTestCase();

    void secretsSetFromStdinAreWhatTheServerPaysAndVerifiesWith();
    void theEnvironmentWinsOverTheKeychain();
    void onATerminalTheTypedSecretIsNotShown();
    void aValueOnTheCommandLineOrOfTheWrongKindIsRefused();
    void removedSecretsLeaveTheServerWithoutThem();
    void withoutAKeychainTheCommandsSaySoAndTheServerStarts();
    void aKeychainThatDoesNotAnswerDoesNotKeepTheServerFromStarting();

private:
    // The server's environment with the two secrets left out: the keychain's turn.
    QProcessEnvironment withoutSecrets() const;
    Ran secrets(const QStringList &arguments, const QByteArray &input = {},
                const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    void store(const QString &name, const QByteArray &input);
    // A held booking's checkout request; its answer ("done"/"failed").
    QString checkout(const QString &localTime, const QString &plate, qint64 *paymentId = nullptr,
                     qint64 *bookingId = nullptr);
    // An event of a type nothing applies, signed with secret: the status.
    int signedEvent(const ServerProcess &server, const QString &eventId, const QString &secret);
};

void TestServerKeychain::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "run through tests/keychain-session.sh (a D-Bus session with an unlocked keyring)");
    QVERIFY(QDBusConnection::sessionBus().interface()->isServiceRegistered(
        QStringLiteral("org.freedesktop.secrets")));
    QVERIFY2(QFileInfo::exists(ServerProcess::programPath()), qPrintable(ServerProcess::programPath()));
    startEngine(QStringLiteral("tst_serverkeychain"));
}

void TestServerKeychain::init()
{
    resetCatalogue();
    sql(QStringLiteral("TRUNCATE stripe_events, payment_requests, refunds CASCADE"));
    startStripe();
    for (const QString &key : KeychainKeys) {
        const KeychainRequest::Error removed = keychain(KeychainRequest::remove(key));
        QVERIFY(removed == KeychainRequest::Error::None || removed == KeychainRequest::Error::NotFound);
    }
}

void TestServerKeychain::cleanupTestCase()
{
    m_stripe.stop();
    stopEngine();
}

QProcessEnvironment TestServerKeychain::withoutSecrets() const
{
    QProcessEnvironment env = serverEnvironment();
    env.remove(QStringLiteral("STRIPE_SECRET_KEY"));
    env.remove(QStringLiteral("STRIPE_WEBHOOK_SECRET"));
    return env;
}

Ran TestServerKeychain::secrets(const QStringList &arguments, const QByteArray &input,
                                const QProcessEnvironment &env)
{
    QProcess process;
    QProcessEnvironment clean = env;
    clean.remove(QStringLiteral("STRIPE_SECRET_KEY"));
    clean.remove(QStringLiteral("STRIPE_WEBHOOK_SECRET"));
    process.setProcessEnvironment(clean);
    process.start(ServerProcess::programPath(), QStringList {QStringLiteral("secrets")} + arguments);
    Ran ran;
    if (!process.waitForStarted(kNoHangMs))
        return ran;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kNoHangMs))
        return ran;
    ran.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    ran.out = QString::fromUtf8(process.readAllStandardOutput());
    ran.err = QString::fromUtf8(process.readAllStandardError());
    return ran;
}

void TestServerKeychain::store(const QString &name, const QByteArray &input)
{
    const Ran set = secrets({QStringLiteral("set"), name}, input);
    QVERIFY2(set.exitCode == 0, qPrintable(set.both()));
}

QString TestServerKeychain::checkout(const QString &localTime, const QString &plate, qint64 *paymentId,
                                     qint64 *bookingId)
{
    const qint64 booking = heldBooking(localTime, plate);
    const qint64 payment = cardPayment(booking, QStringLiteral("stripe_checkout"));
    if (paymentId)
        *paymentId = payment;
    if (bookingId)
        *bookingId = booking;
    return answer(askServer(QStringLiteral("checkout"), booking, payment,
                            QStringLiteral("payment-%1-checkout").arg(payment)));
}

int TestServerKeychain::signedEvent(const ServerProcess &server, const QString &eventId,
                                    const QString &secret)
{
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QByteArray body
        = QStringLiteral("{\"id\":\"%1\",\"object\":\"event\",\"type\":\"customer.created\","
                         "\"created\":%2,\"data\":{\"object\":{\"id\":\"cus_1\","
                         "\"object\":\"customer\"}}}")
              .arg(eventId)
              .arg(now)
              .toUtf8();
    return const_cast<ServerProcess &>(server)
        .post(QStringLiteral("/stripe/webhook"), body,
              {{"Stripe-Signature", WebhookSignature::sign(body, secret, now)}})
        .status;
}

void TestServerKeychain::secretsSetFromStdinAreWhatTheServerPaysAndVerifiesWith()
{
    // Piped in, as a script or `sudo -u carwash carwash-server secrets set …` does.
    const Ran key = secrets({QStringLiteral("set"), QStringLiteral("secret-key")},
                            FakeStripe::secretKey().toUtf8() + "\n");
    QVERIFY2(key.exitCode == 0, qPrintable(key.both()));
    QVERIFY2(key.out.contains(u"sk_test_…") && key.out.contains(u"stripe/secret_key"), qPrintable(key.out));
    const QString rotation = QStringLiteral("whsec_old_one, ") + webhookSecret();
    const Ran webhook = secrets({QStringLiteral("set"), QStringLiteral("webhook-secret")}, rotation.toUtf8());
    QVERIFY2(webhook.exitCode == 0, qPrintable(webhook.both()));
    QVERIFY2(webhook.out.contains(u"2 secrets: whsec_…, whsec_…"), qPrintable(webhook.out));

    // In the keychain under the programs' service and the documented keys.
    QCOMPARE(KeychainRequest::serviceName(), QStringLiteral("carwash-desk"));
    QString stored;
    QCOMPARE(keychain(KeychainRequest::read(QStringLiteral("stripe/secret_key")), &stored),
             KeychainRequest::Error::None);
    QCOMPARE(stored, FakeStripe::secretKey());
    QCOMPARE(keychain(KeychainRequest::read(QStringLiteral("stripe/webhook_secret")), &stored),
             KeychainRequest::Error::None);
    QCOMPARE(stored, QStringLiteral("whsec_old_one,") + webhookSecret());

    const Ran shown = secrets({QStringLiteral("show")});
    QVERIFY2(shown.exitCode == 0, qPrintable(shown.both()));
    QVERIFY2(shown.out.contains(u"secret-key: in the keychain (stripe/secret_key): sk_test_…"),
             qPrintable(shown.out));
    QVERIFY2(shown.out.contains(u"webhook-secret: in the keychain (stripe/webhook_secret): 2 secrets"),
             qPrintable(shown.out));

    // The server's environment has neither: both come from the keychain.
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(withoutSecrets(), {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY(deliverTo(server));
    QVERIFY2(server.log().contains(u"Stripe secret key: from the keychain (stripe/secret_key), sk_test_…"),
             qPrintable(server.log()));
    QVERIFY2(
        server.log().contains(u"Stripe webhook secret: from the keychain (stripe/webhook_secret), 2 secrets"),
        qPrintable(server.log()));
    QVERIFY2(!server.log().contains(u"card payments are unavailable"), qPrintable(server.log()));

    // A Checkout session made with the keychain's key, paid, and confirmed by
    // events the server verified with the keychain's webhook secret.
    qint64 paymentId = 0;
    qint64 bookingId = 0;
    QCOMPARE(checkout(QStringLiteral("10:00"), QStringLiteral("KEY 1"), &paymentId, &bookingId),
             QStringLiteral("done"));
    const QString sessionId = text(
        QStringLiteral("SELECT stripe_checkout_session_id FROM payments WHERE id = %1").arg(paymentId));
    QVERIFY2(sessionId.startsWith(u"cs_"), qPrintable(server.log()));
    QVERIFY2(m_stripe.pay(sessionId), qPrintable(m_stripe.lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(
        text(QStringLiteral("SELECT status FROM bookings WHERE id = %1").arg(bookingId)),
        QStringLiteral("confirmed"), kNoHangMs);
    QCOMPARE(server.terminate(), 0);

    // Never a secret in what any of them printed.
    for (const QString &output : {key.both(), webhook.both(), shown.both(), server.log()}) {
        QVERIFY2(!output.contains(FakeStripe::secretKey()), qPrintable(output));
        QVERIFY2(!output.contains(webhookSecret()), qPrintable(output));
        QVERIFY2(!output.contains(u"whsec_old_one"), qPrintable(output));
    }
}

void TestServerKeychain::theEnvironmentWinsOverTheKeychain()
{
    // The keychain holds a live key the fake Stripe refuses and a webhook
    // secret nothing signs with; the environment the working ones.
    store(QStringLiteral("secret-key"), TheKeychainKey.toUtf8());
    store(QStringLiteral("webhook-secret"), TheKeychainWebhookSecret.toUtf8());
    ServerProcess server;
    QVERIFY(startServer(server));
    QVERIFY2(server.log().contains(u"Stripe secret key: from the environment (STRIPE_SECRET_KEY), sk_test_…"),
             qPrintable(server.log()));
    QVERIFY2(server.log().contains(u"Stripe webhook secret: from the environment (STRIPE_WEBHOOK_SECRET)"),
             qPrintable(server.log()));
    QCOMPARE(checkout(QStringLiteral("11:00"), QStringLiteral("KEY 2")), QStringLiteral("done"));
    QCOMPARE(signedEvent(server, QStringLiteral("evt_kc_environment"), webhookSecret()), 200);
    QCOMPARE(signedEvent(server, QStringLiteral("evt_kc_keychain"), TheKeychainWebhookSecret), 400);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM stripe_events WHERE id = 'evt_kc_keychain'")), 0);

    // `show` says which one wins where the variable is set.
    QProcessEnvironment shell = QProcessEnvironment::systemEnvironment();
    shell.insert(QStringLiteral("STRIPE_SECRET_KEY"), FakeStripe::secretKey());
    QProcess process;
    process.setProcessEnvironment(shell);
    process.start(ServerProcess::programPath(), {QStringLiteral("secrets"), QStringLiteral("show")});
    QVERIFY(process.waitForFinished(kNoHangMs));
    const QString shown = QString::fromUtf8(process.readAllStandardOutput());
    QVERIFY2(shown.contains(u"secret-key: set in this environment (STRIPE_SECRET_KEY): sk_test_…"),
             qPrintable(shown));
    QVERIFY2(shown.contains(u"webhook-secret: in the keychain (stripe/webhook_secret): 1 secret: whsec_…"),
             qPrintable(shown));
    QCOMPARE(server.terminate(), 0);
    for (const QString &output : {shown, server.log()}) {
        QVERIFY2(!output.contains(TheKeychainKey) && !output.contains(FakeStripe::secretKey()),
                 qPrintable(output));
        QVERIFY2(!output.contains(TheKeychainWebhookSecret) && !output.contains(webhookSecret()),
                 qPrintable(output));
    }
}

void TestServerKeychain::onATerminalTheTypedSecretIsNotShown()
{
    const QString typed = QStringLiteral("sk_test_typedOnATerminal0000");
    const Ran ran = onATerminal({QStringLiteral("set"), QStringLiteral("secret-key")}, typed.toUtf8());
    QVERIFY2(ran.exitCode == 0, qPrintable(ran.out));
    QVERIFY2(ran.out.contains(u"Stripe secret key (sk_live_…, sk_test_… or rk_…; not shown): "),
             qPrintable(ran.out));
    QVERIFY2(ran.out.contains(u"Stored sk_test_… in this account's keychain"), qPrintable(ran.out));
    QVERIFY2(!ran.out.contains(u"typedOnATerminal"), qPrintable(ran.out)); // not echoed, not printed
    QString stored;
    QCOMPARE(keychain(KeychainRequest::read(QStringLiteral("stripe/secret_key")), &stored),
             KeychainRequest::Error::None);
    QCOMPARE(stored, typed);

    // Ctrl+C at the prompt: nothing stored, and the terminal echoes again.
    bool echoes = false;
    const Ran interrupted = onATerminal({QStringLiteral("set"), QStringLiteral("webhook-secret")},
                                        QByteArrayLiteral("\x03"), &echoes);
    QCOMPARE(interrupted.exitCode, -1); // ended by the signal
    QVERIFY2(!interrupted.out.contains(u"Stored"), qPrintable(interrupted.out));
    QVERIFY(echoes);
    QCOMPARE(keychain(KeychainRequest::read(QStringLiteral("stripe/webhook_secret"))),
             KeychainRequest::Error::NotFound);
}

void TestServerKeychain::aValueOnTheCommandLineOrOfTheWrongKindIsRefused()
{
    const Ran onTheCommandLine
        = secrets({QStringLiteral("set"), QStringLiteral("secret-key"), FakeStripe::secretKey()});
    QCOMPARE(onTheCommandLine.exitCode, 2);
    QVERIFY2(onTheCommandLine.err.contains(u"from stdin, never from the command line"),
             qPrintable(onTheCommandLine.err));
    const Ran publishable
        = secrets({QStringLiteral("set"), QStringLiteral("secret-key")}, "pk_test_notTheSecretOne");
    QCOMPARE(publishable.exitCode, 2);
    QVERIFY2(publishable.err.contains(u"publishable key") && publishable.err.contains(u"Nothing was stored"),
             qPrintable(publishable.err));
    const Ran notWhsec
        = secrets({QStringLiteral("set"), QStringLiteral("webhook-secret")}, "whsec_good,sk_test_wrongPlace");
    QCOMPARE(notWhsec.exitCode, 2);
    QVERIFY2(notWhsec.err.contains(u"value 2 of 2"), qPrintable(notWhsec.err));
    QVERIFY2(!notWhsec.both().contains(u"sk_test_wrongPlace"), qPrintable(notWhsec.both()));
    const Ran nothing = secrets({QStringLiteral("set"), QStringLiteral("secret-key")}, "\n");
    QCOMPARE(nothing.exitCode, 2);
    QCOMPARE(secrets({QStringLiteral("set"), QStringLiteral("password")}).exitCode, 2);
    for (const QString &key : KeychainKeys)
        QCOMPARE(keychain(KeychainRequest::read(key)), KeychainRequest::Error::NotFound);
}

void TestServerKeychain::removedSecretsLeaveTheServerWithoutThem()
{
    store(QStringLiteral("secret-key"), FakeStripe::secretKey().toUtf8());
    store(QStringLiteral("webhook-secret"), webhookSecret().toUtf8());
    const Ran removed = secrets({QStringLiteral("remove"), QStringLiteral("secret-key")});
    QVERIFY2(removed.exitCode == 0 && removed.out.contains(u"Removed stripe/secret_key"),
             qPrintable(removed.both()));
    QCOMPARE(keychain(KeychainRequest::read(QStringLiteral("stripe/secret_key"))),
             KeychainRequest::Error::NotFound);
    const Ran again = secrets({QStringLiteral("remove"), QStringLiteral("secret-key")});
    QVERIFY2(again.exitCode == 0 && again.out.contains(u"Nothing was stored under stripe/secret_key"),
             qPrintable(again.both()));
    const Ran shown = secrets({QStringLiteral("show")});
    QCOMPARE(shown.exitCode, 0);
    QVERIFY2(shown.out.contains(u"secret-key: not set")
                 && shown.out.contains(u"webhook-secret: in the keychain"),
             qPrintable(shown.out));

    ServerProcess server;
    QString error;
    QVERIFY2(server.start(withoutSecrets(), {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY2(
        server.log().contains(u"Stripe secret key: missing (STRIPE_SECRET_KEY is not set, and the keychain "
                              u"has none: Nothing is stored in the keychain under stripe/secret_key.)"),
        qPrintable(server.log()));
    QVERIFY2(server.log().contains(u"card payments are unavailable"), qPrintable(server.log()));
    QVERIFY2(server.log().contains(u"Stripe webhook secret: from the keychain"), qPrintable(server.log()));
    // The webhook secret still works; card work is refused with the reason.
    QCOMPARE(signedEvent(server, QStringLiteral("evt_kc_removed"), webhookSecret()), 200);
    QCOMPARE(checkout(QStringLiteral("12:00"), QStringLiteral("KEY 3")), QStringLiteral("failed"));
    QVERIFY(m_stripe.requests().isEmpty());
    QCOMPARE(server.terminate(), 0);
    QVERIFY2(!server.log().contains(webhookSecret()), qPrintable(server.log()));
}

void TestServerKeychain::withoutAKeychainTheCommandsSaySoAndTheServerStarts()
{
    QProcessEnvironment noBus = QProcessEnvironment::systemEnvironment();
    noBus.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/bus"));
    const Ran set = secrets({QStringLiteral("set"), QStringLiteral("secret-key")},
                            FakeStripe::secretKey().toUtf8(), noBus);
    QCOMPARE(set.exitCode, 4);
    QVERIFY2(set.err.contains(u"No keychain is available to this account here")
                 && set.err.contains(u"Put STRIPE_SECRET_KEY in carwash-server's environment file"),
             qPrintable(set.err));
    const Ran shown = secrets({QStringLiteral("show")}, {}, noBus);
    QCOMPARE(shown.exitCode, 4);
    QVERIFY2(shown.err.contains(u"The keychain could not be read"), qPrintable(shown.err));
    const Ran removed = secrets({QStringLiteral("remove"), QStringLiteral("webhook-secret")}, {}, noBus);
    QCOMPARE(removed.exitCode, 4);

    QProcessEnvironment env = withoutSecrets();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/bus"));
    ServerProcess server;
    QString error;
    QVERIFY2(server.start(env, {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY2(
        server.log().contains(u"Stripe secret key: missing (STRIPE_SECRET_KEY is not set, and the keychain "
                              u"has none: There is no desktop session bus"),
        qPrintable(server.log()));
    QCOMPARE(server.terminate(), 0);
}

void TestServerKeychain::aKeychainThatDoesNotAnswerDoesNotKeepTheServerFromStarting()
{
    store(QStringLiteral("secret-key"), FakeStripe::secretKey().toUtf8());
    // A stopped keyring keeps its name on the bus but never replies: the
    // same as a locked one waiting for a prompt nobody sees.
    const uint pid
        = QDBusConnection::sessionBus().interface()->servicePid(QStringLiteral("org.freedesktop.secrets"));
    QVERIFY(pid > 0);
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    auto resume = qScopeGuard([pid] { ::kill(pid_t(pid), SIGCONT); });

    ServerProcess server;
    QString error;
    QVERIFY2(server.start(withoutSecrets(), {}, &error) && server.waitUntilHealthy(&error),
             qPrintable(error + server.log()));
    QVERIFY2(
        server.log().contains(u"Stripe secret key: missing (STRIPE_SECRET_KEY is not set, and the keychain "
                              u"has none: The keychain did not answer"),
        qPrintable(server.log()));
    QVERIFY2(server.log().contains(u"Stripe webhook secret: missing"), qPrintable(server.log()));
    const Ran shown = secrets({QStringLiteral("show")});
    QCOMPARE(shown.exitCode, 4);
    QVERIFY2(shown.out.contains(u"did not answer"), qPrintable(shown.out));
    QCOMPARE(server.terminate(), 0);
}

QTEST_GUILESS_MAIN(TestServerKeychain)
#include "tst_serverkeychain.moc"
