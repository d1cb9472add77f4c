#include "tests/harness/recordingspeech/recordingspeechplugin.h"

#include "tests/harness/recordingspeech/recordingspeech.h"

#include <QAtomicInt>
#include <QMutex>
#include <QThread>

namespace {
QAtomicInt starts;
QMutex logMutex;
QList<RecordedSpeech> &entries()
{
    static QList<RecordedSpeech> list;
    return list;
}
} // namespace

QList<RecordedSpeech> RecordingSpeech::log()
{
    QMutexLocker lock(&logMutex);
    return entries();
}

QStringList RecordingSpeech::said()
{
    QStringList texts;
    for (const RecordedSpeech &entry : log()) {
        if (entry.kind == RecordedSpeech::Kind::Say)
            texts << entry.text;
    }
    return texts;
}

void RecordingSpeech::clear()
{
    QMutexLocker lock(&logMutex);
    entries().clear();
}

int RecordingSpeech::engineStarts()
{
    return starts.loadAcquire();
}

void RecordingSpeech::record(const RecordedSpeech &entry)
{
    QMutexLocker lock(&logMutex);
    entries().append(entry);
}

RecordingSpeechEngine::RecordingSpeechEngine(const QVariantMap &parameters, QObject *parent)
    : QTextToSpeechEngine(parent)
{
    const QStringList names
        = parameters
              .value(QStringLiteral("locales"),
                     QStringList {QStringLiteral("en_US"), QStringLiteral("es_ES"), QStringLiteral("de_DE")})
              .toStringList();
    for (const QString &name : names)
        m_locales.append(QLocale(name));
    m_utteranceMs = parameters.value(QStringLiteral("utteranceMs"), 0).toInt();
    m_locale = m_locales.value(0, QLocale::c());
    m_voice = voiceFor(m_locale);
    m_utterance.setSingleShot(true);
    connect(&m_utterance, &QTimer::timeout, this, [this] {
        RecordingSpeech::record({RecordedSpeech::Kind::Done, {}, m_locale, m_voice.name()});
        setState(QTextToSpeech::Ready);
    });
}

QVoice RecordingSpeechEngine::voiceFor(const QLocale &locale) const
{
    return createVoice(QStringLiteral("recording-%1").arg(locale.name()), locale, QVoice::Female,
                       QVoice::Adult, locale.name());
}

QList<QVoice> RecordingSpeechEngine::availableVoices() const
{
    return m_locales.contains(m_locale) ? QList<QVoice> {voiceFor(m_locale)} : QList<QVoice> {};
}

void RecordingSpeechEngine::say(const QString &text)
{
    RecordingSpeech::record({RecordedSpeech::Kind::Say, text, m_locale, m_voice.name()});
    setState(QTextToSpeech::Speaking);
    if (m_utteranceMs >= 0)
        m_utterance.start(m_utteranceMs);
}

void RecordingSpeechEngine::stop(QTextToSpeech::BoundaryHint)
{
    if (m_state != QTextToSpeech::Speaking && m_state != QTextToSpeech::Paused)
        return;
    RecordingSpeech::record({RecordedSpeech::Kind::Stop, {}, m_locale, m_voice.name()});
    m_utterance.stop();
    setState(QTextToSpeech::Ready);
}

void RecordingSpeechEngine::pause(QTextToSpeech::BoundaryHint)
{
    if (m_state == QTextToSpeech::Speaking)
        setState(QTextToSpeech::Paused);
}

void RecordingSpeechEngine::resume()
{
    if (m_state == QTextToSpeech::Paused)
        setState(QTextToSpeech::Speaking);
}

bool RecordingSpeechEngine::setRate(double rate)
{
    m_rate = rate;
    return true;
}

bool RecordingSpeechEngine::setPitch(double pitch)
{
    m_pitch = pitch;
    return true;
}

bool RecordingSpeechEngine::setVolume(double volume)
{
    m_volume = volume;
    return true;
}

bool RecordingSpeechEngine::setLocale(const QLocale &locale)
{
    if (!m_locales.contains(locale))
        return false;
    m_locale = locale;
    m_voice = voiceFor(locale);
    return true;
}

bool RecordingSpeechEngine::setVoice(const QVoice &voice)
{
    if (!m_locales.contains(voice.locale()))
        return false;
    m_locale = voice.locale();
    m_voice = voice;
    return true;
}

void RecordingSpeechEngine::setState(QTextToSpeech::State state)
{
    if (state == m_state)
        return;
    m_state = state;
    emit stateChanged(state);
}

QTextToSpeechEngine *RecordingSpeechPlugin::createTextToSpeechEngine(const QVariantMap &parameters,
                                                                     QObject *parent, QString *) const
{
    if (const int delay = parameters.value(QStringLiteral("startDelayMs"), 0).toInt(); delay > 0)
        QThread::msleep(delay);
    starts.fetchAndAddRelease(1);
    return new RecordingSpeechEngine(parameters, parent);
}
