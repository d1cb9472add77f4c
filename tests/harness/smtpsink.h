#pragma once

#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QTemporaryDir>

#include <memory>

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

    // Recipients containing reject are refused with 550; with auth
    // ("user:password") the server requires AUTH with those (offering AUTH
    // LOGIN only with loginOnly).
    bool start(QString *error = nullptr, const QString &reject = {}, const QString &auth = {},
               bool loginOnly = false);
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
    int m_port = 0;
};
