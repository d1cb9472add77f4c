#pragma once

#include <QTextToSpeechEngine>
#include <QTextToSpeechPlugin>
#include <QTimer>
#include <QVoice>

// The recording engine behind recordingspeech.h, and its plug-in.
class RecordingSpeechEngine : public QTextToSpeechEngine
{
    Q_OBJECT
public:
    explicit RecordingSpeechEngine(const QVariantMap &parameters, QObject *parent = nullptr);

    QList<QLocale> availableLocales() const override { return m_locales; }
    QList<QVoice> availableVoices() const override;
    void say(const QString &text) override;
    void stop(QTextToSpeech::BoundaryHint boundaryHint) override;
    void pause(QTextToSpeech::BoundaryHint boundaryHint) override;
    void resume() override;
    double rate() const override { return m_rate; }
    bool setRate(double rate) override;
    double pitch() const override { return m_pitch; }
    bool setPitch(double pitch) override;
    QLocale locale() const override { return m_locale; }
    bool setLocale(const QLocale &locale) override;
    double volume() const override { return m_volume; }
    bool setVolume(double volume) override;
    QVoice voice() const override { return m_voice; }
    bool setVoice(const QVoice &voice) override;
    QTextToSpeech::State state() const override { return m_state; }
    QTextToSpeech::ErrorReason errorReason() const override { return QTextToSpeech::ErrorReason::NoError; }
    QString errorString() const override { return {}; }

private:
    QVoice voiceFor(const QLocale &locale) const;
    void setState(QTextToSpeech::State state);

    QList<QLocale> m_locales;
    QLocale m_locale;
    QVoice m_voice;
    QTimer m_utterance;
    int m_utteranceMs = 0;
    double m_rate = 0;
    double m_pitch = 0;
    double m_volume = 1;
    QTextToSpeech::State m_state = QTextToSpeech::Ready;
};

class RecordingSpeechPlugin : public QObject, public QTextToSpeechPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.qt-project.qt.speech.tts.plugin/6.0" FILE "recordingspeech.json")
    Q_INTERFACES(QTextToSpeechPlugin)
public:
    QTextToSpeechEngine *createTextToSpeechEngine(const QVariantMap &parameters, QObject *parent,
                                                  QString *errorString) const override;
};
