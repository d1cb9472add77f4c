#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QSslSocket>
#include <QString>
#include <QTimer>

// Where and how to reach the SMTP server. The password comes from
// carwash-server's environment only and is never logged.
struct SmtpSettings
{
    enum class Security { None, StartTls, Tls };
    QString host;
    quint16 port = 587;
    Security security = Security::StartTls;
    QString user; // empty: no AUTH
    QString password;
    QString heloName = QStringLiteral("localhost");
    int stepTimeoutMs = 20000; // each reply
    int totalTimeoutMs = 50000; // the whole conversation

    static Security securityFrom(const QString &word); // none, starttls, tls
};

// What became of one message. permanent: the server refused the recipient
// or the message with a 5xx reply, so sending it again cannot succeed.
struct SmtpResult
{
    bool ok = false;
    bool permanent = false;
    int replyCode = 0; // the last reply's, 0 when there was none
    QString error; // technical, for the log and mail_outbox.last_error
};

// Sends one message over one SMTP conversation (RFC 5321): greeting, EHLO,
// STARTTLS when asked (and EHLO again), AUTH PLAIN or LOGIN when a user is
// set, MAIL FROM, RCPT TO, DATA with the message dot-stuffed, QUIT (not
// waited for: the message is sent once the server accepted it). Every
// reply has a timeout and the whole conversation a deadline. Asynchronous
// on the thread it lives on; never blocks. finished() comes exactly once
// per send(), after which the client may send again. Addresses with spaces,
// control characters or angle brackets are refused before connecting (they
// would smuggle SMTP commands).
Q_DECLARE_METATYPE(SmtpResult)

class SmtpClient : public QObject
{
    Q_OBJECT
public:
    explicit SmtpClient(QObject *parent = nullptr);
    ~SmtpClient() override;

    // message: the whole RFC 5322 message (headers, blank line, body).
    void send(const SmtpSettings &settings, const QByteArray &from, const QByteArray &to,
              const QByteArray &message);
    // Drops the conversation; finished() follows with an error.
    void abort();

Q_SIGNALS:
    void finished(const SmtpResult &result);

private:
    enum class Step {
        Idle,
        Greeting,
        Ehlo,
        StartTls,
        EhloAgain,
        AuthPlain,
        AuthLogin,
        AuthUser,
        AuthPassword,
        MailFrom,
        RcptTo,
        Data,
        Body
    };

    void readReplies();
    void handleReply(int code, const QList<QByteArray> &lines);
    void command(Step next, const QByteArray &line);
    void authenticateOrSend();
    void finish(const SmtpResult &result);
    void fail(const QString &error, int code = 0, bool permanent = false);
    static QString stepName(Step step);

    QSslSocket m_socket;
    QTimer m_stepTimer;
    QTimer m_totalTimer;
    SmtpSettings m_settings;
    QByteArray m_from;
    QByteArray m_to;
    QByteArray m_message;
    QByteArray m_buffer;
    QList<QByteArray> m_replyLines;
    QList<QByteArray> m_capabilities;
    Step m_step = Step::Idle;
};
