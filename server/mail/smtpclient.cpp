#include "server/mail/smtpclient.h"

#include "server/mail/mimeencoding.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSmtp, "carwash.server.mail.smtp", QtWarningMsg)

namespace {

constexpr int MaxReplyBytes = 64 * 1024;

} // namespace

SmtpSettings::Security SmtpSettings::securityFrom(const QString &word)
{
    if (word == u"none")
        return Security::None;
    if (word == u"tls")
        return Security::Tls;
    return Security::StartTls;
}

SmtpClient::SmtpClient(QObject *parent)
    : QObject(parent)
{
    m_stepTimer.setSingleShot(true);
    m_totalTimer.setSingleShot(true);
    connect(&m_stepTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("no answer from the SMTP server within %1 ms (%2)")
                 .arg(m_settings.stepTimeoutMs)
                 .arg(stepName(m_step)));
    });
    connect(&m_totalTimer, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("the SMTP conversation took longer than %1 ms (%2)")
                 .arg(m_settings.totalTimeoutMs)
                 .arg(stepName(m_step)));
    });
    connect(&m_socket, &QSslSocket::connected, this, [this] {
        if (m_settings.security != SmtpSettings::Security::Tls)
            m_stepTimer.start(m_settings.stepTimeoutMs); // now the greeting
    });
    connect(&m_socket, &QSslSocket::encrypted, this, [this] {
        if (m_step == Step::StartTls)
            command(Step::EhloAgain, "EHLO " + m_settings.heloName.toLatin1());
        else
            m_stepTimer.start(m_settings.stepTimeoutMs);
    });
    connect(&m_socket, &QSslSocket::readyRead, this, &SmtpClient::readReplies);
    connect(&m_socket, &QSslSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_step == Step::Idle)
            return;
        fail(QStringLiteral("SMTP connection to %1:%2 (%3): %4")
                 .arg(m_settings.host)
                 .arg(m_settings.port)
                 .arg(stepName(m_step), m_socket.errorString()));
    });
    connect(&m_socket, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
        QStringList texts;
        for (const QSslError &e : errors)
            texts << e.errorString();
        qCWarning(lcSmtp).noquote() << "TLS with" << m_settings.host << "refused:" << texts.join(u"; ");
    });
    connect(&m_socket, &QSslSocket::disconnected, this, [this] {
        if (m_step != Step::Idle)
            fail(QStringLiteral("the SMTP server closed the connection (%1)").arg(stepName(m_step)));
    });
}

SmtpClient::~SmtpClient()
{
    m_step = Step::Idle;
    m_socket.abort();
}

void SmtpClient::send(const SmtpSettings &settings, const QByteArray &from, const QByteArray &to,
                      const QByteArray &message)
{
    Q_ASSERT(m_step == Step::Idle);
    m_socket.abort(); // the last conversation's QUIT may still be on its way out
    m_settings = settings;
    m_from = from;
    m_to = to;
    m_message = MimeEncoding::dotStuffed(message);
    m_buffer.clear();
    m_replyLines.clear();
    m_capabilities.clear();
    m_step = Step::Greeting;
    for (const QByteArray &address : {from, to}) {
        const bool unsafe
            = address.isEmpty() || std::any_of(address.cbegin(), address.cend(), [](char c) {
                  return static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == 0x7f;
              });
        if (unsafe) {
            // A message for an address that cannot be written is never sendable.
            finish({false, true, 0, QStringLiteral("the address cannot be used in an SMTP command")});
            return;
        }
    }
    m_totalTimer.start(settings.totalTimeoutMs);
    m_stepTimer.start(settings.stepTimeoutMs); // the connection, then the greeting
    if (settings.security == SmtpSettings::Security::Tls)
        m_socket.connectToHostEncrypted(settings.host, settings.port);
    else
        m_socket.connectToHost(settings.host, settings.port);
}

void SmtpClient::abort()
{
    if (m_step != Step::Idle)
        fail(QStringLiteral("sending was stopped (%1)").arg(stepName(m_step)));
}

void SmtpClient::readReplies()
{
    m_buffer += m_socket.readAll();
    if (m_buffer.size() > MaxReplyBytes) {
        fail(QStringLiteral("the SMTP server's reply is too long"));
        return;
    }
    // A reply is one or more lines "250-..." ending with "250 ..." (or "250").
    qsizetype end;
    while (m_step != Step::Idle && (end = m_buffer.indexOf("\r\n")) >= 0) {
        const QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 2);
        if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0]))
            || !std::isdigit(static_cast<unsigned char>(line[1]))
            || !std::isdigit(static_cast<unsigned char>(line[2]))) {
            fail(QStringLiteral("the SMTP server answered something that is not a reply (%1)")
                     .arg(stepName(m_step)));
            return;
        }
        m_replyLines.append(line.mid(4));
        if (line.size() > 3 && line[3] == '-')
            continue;
        const int code = line.left(3).toInt();
        const QList<QByteArray> lines = m_replyLines;
        m_replyLines.clear();
        m_stepTimer.stop();
        handleReply(code, lines);
    }
}

void SmtpClient::command(Step next, const QByteArray &line)
{
    m_step = next;
    m_socket.write(line + "\r\n");
    m_stepTimer.start(m_settings.stepTimeoutMs);
}

void SmtpClient::authenticateOrSend()
{
    if (m_settings.user.isEmpty()) {
        command(Step::MailFrom, "MAIL FROM:<" + m_from + ">");
        return;
    }
    QList<QByteArray> mechanisms;
    for (const QByteArray &capability : std::as_const(m_capabilities)) {
        const QByteArray upper = capability.toUpper();
        if (upper.startsWith("AUTH ") || upper.startsWith("AUTH="))
            mechanisms += upper.mid(5).split(' ');
    }
    if (mechanisms.contains("PLAIN")) {
        const QByteArray credentials = '\0' + m_settings.user.toUtf8() + '\0' + m_settings.password.toUtf8();
        command(Step::AuthPlain, "AUTH PLAIN " + credentials.toBase64());
    } else if (mechanisms.contains("LOGIN")) {
        command(Step::AuthLogin, "AUTH LOGIN");
    } else {
        fail(QStringLiteral("a user is set but the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN"));
    }
}

void SmtpClient::handleReply(int code, const QList<QByteArray> &lines)
{
    const QString text = QString::fromUtf8(lines.join(' ')).left(300);
    auto refuse = [&](bool permanent) {
        fail(QStringLiteral("%1 refused: %2 %3").arg(stepName(m_step)).arg(code).arg(text), code, permanent);
    };
    switch (m_step) {
    case Step::Idle:
        return;
    case Step::Greeting:
        if (code != 220)
            return refuse(false);
        command(Step::Ehlo, "EHLO " + m_settings.heloName.toLatin1());
        return;
    case Step::Ehlo:
    case Step::EhloAgain:
        if (code != 250)
            return refuse(false);
        m_capabilities = lines.mid(1);
        if (m_step == Step::Ehlo && m_settings.security == SmtpSettings::Security::StartTls) {
            bool offered = false;
            for (const QByteArray &capability : std::as_const(m_capabilities))
                offered = offered || capability.toUpper().startsWith("STARTTLS");
            if (!offered)
                return fail(QStringLiteral("STARTTLS is required but the SMTP server does not offer it"));
            command(Step::StartTls, "STARTTLS");
            return;
        }
        authenticateOrSend();
        return;
    case Step::StartTls:
        if (code != 220)
            return refuse(false);
        m_stepTimer.start(m_settings.stepTimeoutMs);
        m_socket.startClientEncryption(); // encrypted() sends EHLO again
        return;
    case Step::AuthPlain:
    case Step::AuthPassword:
        if (code != 235)
            return refuse(false); // the settings are wrong, not the message
        command(Step::MailFrom, "MAIL FROM:<" + m_from + ">");
        return;
    case Step::AuthLogin:
        if (code != 334)
            return refuse(false);
        command(Step::AuthUser, m_settings.user.toUtf8().toBase64());
        return;
    case Step::AuthUser:
        if (code != 334)
            return refuse(false);
        command(Step::AuthPassword, m_settings.password.toUtf8().toBase64());
        return;
    case Step::MailFrom:
        if (code != 250)
            return refuse(false);
        command(Step::RcptTo, "RCPT TO:<" + m_to + ">");
        return;
    case Step::RcptTo:
        if (code != 250 && code != 251)
            return refuse(code >= 500);
        command(Step::Data, "DATA");
        return;
    case Step::Data:
        if (code != 354)
            return refuse(code >= 500);
        m_step = Step::Body;
        m_socket.write(m_message);
        m_socket.write(".\r\n");
        m_stepTimer.start(m_settings.stepTimeoutMs);
        return;
    case Step::Body:
        if (code != 250)
            return refuse(code >= 500);
        // The server has the message: said at once, so it is marked sent
        // without waiting for QUIT (a stop meanwhile must not send it twice).
        m_step = Step::Idle;
        m_stepTimer.stop();
        m_totalTimer.stop();
        m_message.clear();
        m_socket.write("QUIT\r\n");
        m_socket.disconnectFromHost();
        Q_EMIT finished({true, false, 250, {}});
        return;
    }
}

void SmtpClient::fail(const QString &error, int code, bool permanent)
{
    finish({false, permanent, code, error});
}

void SmtpClient::finish(const SmtpResult &result)
{
    if (m_step == Step::Idle)
        return;
    m_step = Step::Idle;
    m_stepTimer.stop();
    m_totalTimer.stop();
    m_socket.abort();
    m_message.clear();
    Q_EMIT finished(result);
}

QString SmtpClient::stepName(Step step)
{
    switch (step) {
    case Step::Idle:
        return QStringLiteral("idle");
    case Step::Greeting:
        return QStringLiteral("greeting");
    case Step::Ehlo:
        return QStringLiteral("EHLO");
    case Step::StartTls:
        return QStringLiteral("STARTTLS");
    case Step::EhloAgain:
        return QStringLiteral("EHLO after STARTTLS");
    case Step::AuthPlain:
        return QStringLiteral("AUTH PLAIN");
    case Step::AuthLogin:
        return QStringLiteral("AUTH LOGIN");
    case Step::AuthUser:
        return QStringLiteral("AUTH LOGIN user");
    case Step::AuthPassword:
        return QStringLiteral("AUTH LOGIN password");
    case Step::MailFrom:
        return QStringLiteral("MAIL FROM");
    case Step::RcptTo:
        return QStringLiteral("RCPT TO");
    case Step::Data:
        return QStringLiteral("DATA");
    case Step::Body:
        return QStringLiteral("end of DATA");
    }
    return {};
}
