#include "app/server/secretscommand.h"

#include "app/server/serverapplication.h"

#include <QProcessEnvironment>

#include <cstdio>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#if defined(Q_OS_WIN)
#include <io.h>
#include <windows.h>
#else
#include <csignal>
#include <termios.h>
#include <unistd.h>
#endif

namespace {

void printOut(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    std::fputs(qPrintable(text + QLatin1Char('\n')), stderr);
    std::fflush(stderr);
}

#if !defined(Q_OS_WIN)
// The terminal's settings before echo went off, for a signal that ends the
// program at the prompt (Ctrl+C): the shell must not be left without echo.
termios savedTerminal {};
volatile std::sig_atomic_t restoreTerminal = 0;
constexpr int LeavingSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

extern "C" void restoreEchoAndLeave(int signalNumber)
{
    if (restoreTerminal)
        tcsetattr(STDIN_FILENO, TCSANOW, &savedTerminal);
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}
#endif

// Switches the terminal's echo off for as long as it lives, and back on if a
// signal ends the program meanwhile.
class EchoOff
{
public:
    EchoOff()
    {
#if defined(Q_OS_WIN)
        m_console = GetStdHandle(STD_INPUT_HANDLE);
        if (GetConsoleMode(m_console, &m_mode))
            m_changed = SetConsoleMode(m_console, m_mode & ~DWORD(ENABLE_ECHO_INPUT));
#else
        if (tcgetattr(STDIN_FILENO, &m_mode) != 0)
            return;
        savedTerminal = m_mode;
        restoreTerminal = 1;
        struct sigaction leave
        {
        };
        leave.sa_handler = restoreEchoAndLeave;
        sigemptyset(&leave.sa_mask);
        for (int i = 0; i < int(std::size(LeavingSignals)); ++i)
            sigaction(LeavingSignals[i], &leave, &m_previous[i]);
        termios quiet = m_mode;
        quiet.c_lflag &= ~tcflag_t(ECHO);
        m_changed = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        if (!m_changed)
            restoreSignals();
#endif
    }
    ~EchoOff()
    {
        if (!m_changed)
            return;
#if defined(Q_OS_WIN)
        SetConsoleMode(m_console, m_mode);
#else
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_mode);
        restoreSignals();
#endif
    }
    EchoOff(const EchoOff &) = delete;
    EchoOff &operator=(const EchoOff &) = delete;

private:
#if !defined(Q_OS_WIN)
    void restoreSignals()
    {
        restoreTerminal = 0;
        for (int i = 0; i < int(std::size(LeavingSignals)); ++i)
            sigaction(LeavingSignals[i], &m_previous[i], nullptr);
    }
#endif
#if defined(Q_OS_WIN)
    HANDLE m_console = nullptr;
    DWORD m_mode = 0;
#else
    termios m_mode {};
    struct sigaction m_previous[std::size(LeavingSignals)] {};
#endif
    bool m_changed = false;
};

bool stdinIsTerminal()
{
#if defined(Q_OS_WIN)
    return _isatty(_fileno(stdin));
#else
    return isatty(STDIN_FILENO);
#endif
}

} // namespace

QString SecretsCommand::usage()
{
    return tr("Usage:\n"
              "  carwash-server secrets set secret-key|webhook-secret   the value from stdin (not shown when "
              "typed)\n"
              "  carwash-server secrets show\n"
              "  carwash-server secrets remove secret-key|webhook-secret\n"
              "Keeps the Stripe secrets in the keychain of this account (service %1, keys %2 and %3); run it "
              "as the account carwash-server runs as. STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET in the "
              "server's environment win over the keychain.")
        .arg(KeychainRequest::serviceName(), StripeSecrets::keychainKey(StripeSecrets::Secret::SecretKey),
             StripeSecrets::keychainKey(StripeSecrets::Secret::WebhookSecret));
}

int SecretsCommand::run(const QStringList &arguments, int timeoutMs)
{
    const QString action = arguments.value(0);
    if (action == u"--help" || action == u"-h" || action == u"help") {
        printOut(usage());
        return ServerApplication::Ok;
    }
    if (action == u"show" && arguments.size() == 1)
        return show(timeoutMs);
    StripeSecrets::Secret secret;
    if ((action == u"set" || action == u"remove") && arguments.size() == 2
        && StripeSecrets::fromArgumentName(arguments.at(1), &secret)) {
        return action == u"set" ? set(secret, timeoutMs) : remove(secret, timeoutMs);
    }
    if (action == u"set" && arguments.size() > 2) {
        // A value on the command line is visible to every user in ps.
        printErr(tr("carwash-server secrets set takes the value from stdin, never from the command line "
                    "(other users can see it there). Type it when asked, or pipe it in."));
        return ServerApplication::Invalid;
    }
    printErr(arguments.isEmpty() ? usage()
                                 : tr("Unexpected arguments \"%1\".").arg(arguments.join(QLatin1Char(' ')))
                     + QLatin1Char('\n') + usage());
    return ServerApplication::Invalid;
}

bool SecretsCommand::readFromStdin(const QString &prompt, QString *value)
{
    if (!stdinIsTerminal()) {
        const std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        *value = QString::fromStdString(all).trimmed();
        return true;
    }
    std::string line;
    bool read = false;
    {
        // Echo off before the prompt: nothing typed after it is ever shown.
        EchoOff quiet;
        std::fputs(qPrintable(prompt), stderr);
        std::fflush(stderr);
        read = bool(std::getline(std::cin, line));
    }
    std::fputs("\n", stderr); // the Enter the terminal did not echo
    *value = QString::fromStdString(line).trimmed();
    return read;
}

int SecretsCommand::set(StripeSecrets::Secret secret, int timeoutMs)
{
    const QString prompt = secret == StripeSecrets::Secret::SecretKey
        ? tr("Stripe secret key (sk_live_…, sk_test_… or rk_…; not shown): ")
        : tr("Stripe webhook signing secret (whsec_…; several separated by commas; not shown): ");
    QString value;
    if (!readFromStdin(prompt, &value) || value.isEmpty()) {
        printErr(tr("No value came on stdin; nothing was stored."));
        return ServerApplication::Invalid;
    }
    const QStringList problems = StripeSecrets::problems(secret, value);
    if (!problems.isEmpty()) {
        for (const QString &problem : problems)
            printErr(problem);
        printErr(tr("Nothing was stored."));
        return ServerApplication::Invalid;
    }
    // Stored as the server reads it: trimmed, the webhook secrets joined by commas.
    StripeConfig normalised;
    StripeSecrets::put(&normalised, secret, value);
    value = secret == StripeSecrets::Secret::SecretKey ? normalised.secretKey
                                                       : normalised.webhookSecrets.join(QLatin1Char(','));
    std::unique_ptr<KeychainRequest> write(KeychainRequest::write(StripeSecrets::keychainKey(secret), value));
    write->setTimeout(timeoutMs);
    if (!write->runBlocking())
        return keychainFailed(*write, secret);
    printOut(tr("Stored %1 in this account's keychain under %2. carwash-server reads it when it starts next.")
                 .arg(StripeSecrets::redacted(normalised, secret), StripeSecrets::keychainKey(secret)));
    if (!QProcessEnvironment::systemEnvironment().value(StripeSecrets::variable(secret)).trimmed().isEmpty())
        printOut(tr("Note: %1 is set in this environment; wherever it is set for the server, it wins over "
                    "the keychain.")
                     .arg(StripeSecrets::variable(secret)));
    return ServerApplication::Ok;
}

int SecretsCommand::show(int timeoutMs)
{
    // What the server would load here, read the way it reads it.
    const StripeSecrets::Loaded loaded
        = StripeSecrets::loadBlocking(QProcessEnvironment::systemEnvironment(), timeoutMs);
    int exitCode = ServerApplication::Ok;
    for (StripeSecrets::Secret secret : StripeSecrets::All) {
        const StripeSecrets::Origin &origin = loaded.origin(secret);
        QString where;
        switch (origin.source) {
        case StripeSecrets::Source::Environment:
            where = tr("set in this environment (%1): %2; the keychain is not consulted for it")
                        .arg(StripeSecrets::variable(secret), StripeSecrets::redacted(loaded.config, secret));
            break;
        case StripeSecrets::Source::Keychain:
            where = tr("in the keychain (%1): %2")
                        .arg(StripeSecrets::keychainKey(secret),
                             StripeSecrets::redacted(loaded.config, secret));
            break;
        case StripeSecrets::Source::Missing:
            where = tr("not set: %1").arg(origin.why);
            break;
        }
        printOut(QStringLiteral("%1: %2").arg(StripeSecrets::argumentName(secret), where));
    }
    // A keychain that could not be asked is a failure of show; a secret
    // merely not stored is not.
    for (StripeSecrets::Secret secret : StripeSecrets::All) {
        const StripeSecrets::Origin &origin = loaded.origin(secret);
        if (origin.source == StripeSecrets::Source::Missing && origin.keychainUnavailable) {
            printErr(tr("The keychain could not be read: %1\nPut %2 and %3 in carwash-server's environment "
                        "file instead.")
                         .arg(origin.why, StripeSecrets::variable(StripeSecrets::Secret::SecretKey),
                              StripeSecrets::variable(StripeSecrets::Secret::WebhookSecret)));
            exitCode = ServerApplication::Unavailable;
            break;
        }
    }
    return exitCode;
}

int SecretsCommand::remove(StripeSecrets::Secret secret, int timeoutMs)
{
    // Asked first: a Secret Service reports the removal of nothing as done.
    const QString key = StripeSecrets::keychainKey(secret);
    std::unique_ptr<KeychainRequest> read(KeychainRequest::read(key));
    read->setTimeout(timeoutMs);
    if (!read->runBlocking()) {
        if (read->error() == KeychainRequest::Error::NotFound) {
            printOut(tr("Nothing was stored under %1; nothing to remove.").arg(key));
            return ServerApplication::Ok;
        }
        return keychainFailed(*read, secret);
    }
    std::unique_ptr<KeychainRequest> removal(KeychainRequest::remove(key));
    removal->setTimeout(timeoutMs);
    if (!removal->runBlocking() && removal->error() != KeychainRequest::Error::NotFound)
        return keychainFailed(*removal, secret);
    printOut(tr("Removed %1 from this account's keychain. carwash-server goes without it from its next start "
                "unless %2 is set in its environment.")
                 .arg(key, StripeSecrets::variable(secret)));
    return ServerApplication::Ok;
}

int SecretsCommand::keychainFailed(const KeychainRequest &request, StripeSecrets::Secret secret)
{
    switch (request.error()) {
    case KeychainRequest::Error::NoService:
        printErr(
            tr("No keychain is available to this account here: %1\nPut %2 in carwash-server's environment "
               "file instead (e.g. the file a systemd EnvironmentFile= names, readable by that account "
               "only).")
                .arg(request.errorString(), StripeSecrets::variable(secret)));
        break;
    case KeychainRequest::Error::TimedOut:
        printErr(tr("%1\nUnlock the keychain of this account and try again, or put %2 in carwash-server's "
                    "environment file instead.")
                     .arg(request.errorString(), StripeSecrets::variable(secret)));
        break;
    default:
        printErr(tr("%1\nNothing was changed. Put %2 in carwash-server's environment file if the keychain "
                    "cannot be used.")
                     .arg(request.errorString(), StripeSecrets::variable(secret)));
        break;
    }
    return ServerApplication::Unavailable;
}
