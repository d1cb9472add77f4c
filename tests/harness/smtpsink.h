#pragma once

#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

// How SmtpSink::start() sets up the server.
struct SmtpSinkOptions
{
    QString reject {}; // recipients containing it are refused with 550
    QString auth {}; // "user:password": AUTH (PLAIN or LOGIN) required with these
    bool loginOnly = false; // with auth: AUTH LOGIN offered, not PLAIN
    // "starttls" or "implicit": TLS with a self-signed certificate for
    // 127.0.0.1 made at start (certificatePath()).
    QString tls {};
};

// A real local SMTP server for the e-mail tests: smtpsink/smtpsink.py on
// Debian's python3-aiosmtpd, as a child process on 127.0.0.1. Every message
// it accepts lands in a folder with a JSON summary made by Python's e-mail
// parser (envelope, decoded subject, parts, the .ics properties), so our
// MIME is read by an independent implementation. The port is chosen once
// and kept, so a test can stop the sink and start it again on the same
// address. Blocking helpers: the test thread only.
class SmtpSink
{
public:
    SmtpSink();
    ~SmtpSink();
    SmtpSink(const SmtpSink &) = delete;
    SmtpSink &operator=(const SmtpSink &) = delete;

    using Options = SmtpSinkOptions;
    bool start(QString *error = nullptr, const Options &options = {});
    // The PEM certificate of the last start with TLS.
    QString certificatePath() const;
    // The AUTH mechanisms clients logged in with, in order.
    QStringList authMechanisms() const;
    void stop();
    bool isRunning() const;
    int port() const { return m_port; }
    // Where the messages land: NNNN.eml as received, NNNN.json its summary.
    QString folder() const { return m_folder.path(); } // free when made; the same for every start()

    // The summaries of every message received so far, oldest first.
    QList<QJsonObject> messages() const;
    // Forgets what was received.
    void clear();

private:
    std::unique_ptr<QProcess> m_process;
    QTemporaryDir m_folder;
    QTemporaryDir m_tlsFolder;
    int m_port = 0;
};
