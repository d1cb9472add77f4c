#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <memory>

class QTextToSpeech;

// KioskSpeech's engine on a thread of its own: QTextToSpeech calls into the
// engine synchronously (speechd's plug-in waits on speech-dispatcher's socket,
// and a wedged speech-dispatcher never answers), so none of it runs on the
// GUI thread. Lives in KioskSpeech's speech thread; every slot is called
// there by a queued call, and answers travel back by queued signal.
class KioskSpeechEngine : public QObject
{
    Q_OBJECT
public:
    enum class Outcome { Ready, NoEngine, NoVoice };
    Q_ENUM(Outcome)

    KioskSpeechEngine(const QString &engine, const QVariantMap &parameters);
    ~KioskSpeechEngine() override;

    // Makes the engine on the first call, then picks a locale and voice of
    // the language ("es"); answers languageAnswered(request, ...).
    void useLanguage(const QString &code, int request);
    // A new utterance cuts short one still being spoken.
    void say(const QString &text);
    void stop();

Q_SIGNALS:
    // engine: the engine in use (empty without one); detail: for the log.
    void languageAnswered(int request, KioskSpeechEngine::Outcome outcome, const QString &engine,
                          const QString &detail);

private:
    bool ensureEngine(QString *detail);

    QString m_engineRequested;
    QVariantMap m_parameters;
    std::unique_ptr<QTextToSpeech> m_speech;
};
