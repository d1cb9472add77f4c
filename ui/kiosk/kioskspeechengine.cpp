#include "ui/kiosk/kioskspeechengine_p.h"

#include <QLoggingCategory>
#include <QTextToSpeech>
#include <QVoice>

#include <algorithm>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcSpeech)

namespace {

// The country whose voice speaks a kiosk language, when the engine offers
// several ("es" in Spain rather than Latin America, as the texts are written).
QLocale::Territory preferredTerritory(QLocale::Language language)
{
    switch (language) {
    case QLocale::Spanish:
        return QLocale::Spain;
    case QLocale::German:
        return QLocale::Germany;
    case QLocale::English:
        return QLocale::UnitedStates;
    default:
        return QLocale::AnyTerritory;
    }
}

} // namespace

KioskSpeechEngine::KioskSpeechEngine(const QString &engine, const QVariantMap &parameters)
    : m_engineRequested(engine)
    , m_parameters(parameters)
{ }

KioskSpeechEngine::~KioskSpeechEngine() = default;

bool KioskSpeechEngine::ensureEngine(QString *detail)
{
    if (m_speech)
        return true;
    auto speech = std::make_unique<QTextToSpeech>(m_engineRequested, m_parameters);
    if (speech->state() == QTextToSpeech::Error || speech->engine().isEmpty()) {
        *detail
            = QStringLiteral("no text-to-speech engine: asked for \"%1\" (Qt has %2): %3")
                  .arg(m_engineRequested.isEmpty() ? QStringLiteral("default") : m_engineRequested,
                       QTextToSpeech::availableEngines().join(QStringLiteral(", ")), speech->errorString());
        return false;
    }
    connect(speech.get(), &QTextToSpeech::errorOccurred, this,
            [this](QTextToSpeech::ErrorReason, const QString &error) {
                qCWarning(lcSpeech).noquote() << "speech engine" << m_speech->engine() << "failed:" << error;
            });
    m_speech = std::move(speech);
    return true;
}

void KioskSpeechEngine::useLanguage(const QString &code, int request)
{
    QString detail;
    if (!ensureEngine(&detail)) {
        emit languageAnswered(request, Outcome::NoEngine, {}, detail);
        return;
    }
    const QString engine = m_speech->engine();
    const QLocale::Language language = QLocale(code).language();
    std::optional<QLocale> chosen;
    for (const QLocale &offered : m_speech->availableLocales()) {
        if (offered.language() != language)
            continue;
        if (!chosen || offered.territory() == preferredTerritory(language))
            chosen = offered;
    }
    if (!chosen) {
        emit languageAnswered(
            request, Outcome::NoVoice, engine,
            QStringLiteral("engine %1 offers no locale of language \"%2\"").arg(engine, code));
        return;
    }
    m_speech->setLocale(*chosen);
    if (m_speech->locale().language() != language) {
        emit languageAnswered(request, Outcome::NoVoice, engine,
                              QStringLiteral("engine %1 refused locale %2").arg(engine, chosen->name()));
        return;
    }
    const QList<QVoice> voices = m_speech->availableVoices();
    const auto voice = std::find_if(voices.cbegin(), voices.cend(), [language](const QVoice &v) {
        return v.locale().language() == language;
    });
    if (voice == voices.cend()) {
        emit languageAnswered(request, Outcome::NoVoice, engine,
                              QStringLiteral("engine %1 has no voice for %2 (%3 voices of other languages)")
                                  .arg(engine, chosen->name())
                                  .arg(voices.size()));
        return;
    }
    m_speech->setVoice(*voice);
    emit languageAnswered(request, Outcome::Ready, engine,
                          QStringLiteral("speaking %1 with voice %2").arg(chosen->name(), voice->name()));
}

void KioskSpeechEngine::say(const QString &text)
{
    if (!m_speech)
        return;
    // One utterance at a time: what the customer moved on from is cut short.
    if (m_speech->state() == QTextToSpeech::Speaking || m_speech->state() == QTextToSpeech::Paused)
        m_speech->stop();
    m_speech->say(text);
}

void KioskSpeechEngine::stop()
{
    if (m_speech
        && (m_speech->state() == QTextToSpeech::Speaking || m_speech->state() == QTextToSpeech::Paused))
        m_speech->stop();
}
