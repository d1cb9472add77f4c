#include "ui/kiosk/kioskspeech.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QTextDocumentFragment>
#include <QTextToSpeech>
#include <QTimer>
#include <QVoice>
#include <QWidget>

#include <algorithm>
#include <optional>

Q_LOGGING_CATEGORY(lcSpeech, "carwash.ui.kiosk.speech", QtWarningMsg)

namespace {

// Sentences joined so the voice pauses between them, without doubling the
// punctuation a text already ends with.
QString joinSentences(const QStringList &parts)
{
    QString joined;
    for (const QString &raw : parts) {
        const QString part = raw.simplified();
        if (part.isEmpty())
            continue;
        if (!joined.isEmpty()) {
            const QChar last = joined.back();
            if (last != u'.' && last != u'!' && last != u'?' && last != u':')
                joined += u'.';
            joined += u' ';
        }
        joined += part;
    }
    return joined;
}

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

bool isNavigable(const QWidget *widget)
{
    return widget->isVisible() && widget->isEnabled() && (widget->focusPolicy() & Qt::TabFocus)
        && !widget->focusProxy();
}

} // namespace

KioskSpeech::KioskSpeech(QObject *parent)
    : KioskSpeech(preferredEngine(), {}, parent)
{
}

KioskSpeech::KioskSpeech(const QString &engine, const QVariantMap &engineParameters, QObject *parent)
    : QObject(parent)
    , m_engineRequested(engine)
    , m_engineParameters(engineParameters)
{
    // A focus change is spoken on the next turn of the event loop: a screen
    // that replaces the focused one moves the focus on its way out, and then
    // the window's screenShown() reads the new screen instead.
    m_focusSpeech.setSingleShot(true);
    m_focusSpeech.setInterval(0);
    connect(&m_focusSpeech, &QTimer::timeout, this, &KioskSpeech::speakFocused);
    connect(qApp, &QApplication::focusChanged, this,
            [this](QWidget *, QWidget *now) { onFocusChanged(now); });
}

KioskSpeech::~KioskSpeech() = default;

QString KioskSpeech::preferredEngine()
{
    const QString configured = qEnvironmentVariable("CARWASH_SPEECH_ENGINE");
    if (!configured.isEmpty())
        return configured;
    const QString speechDispatcher = QStringLiteral("speechd");
    if (QTextToSpeech::availableEngines().contains(speechDispatcher))
        return speechDispatcher;
    return {};
}

QString KioskSpeech::engineName() const
{
    return m_speech ? m_speech->engine() : QString();
}

void KioskSpeech::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    if (!enabled) {
        m_enabled = false;
        m_focusSpeech.stop();
        if (m_speech)
            m_speech->stop();
        emit enabledChanged(false);
        return;
    }
    if (!ensureEngine() || !applyLanguage())
        return;
    m_enabled = true;
    m_unavailableReason.clear();
    emit enabledChanged(true);
    focusFirstChoice();
    m_focusSpeech.stop();
    say(joinSentences({tr("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat."),
                       screenAnnouncement()}));
}

void KioskSpeech::setLanguage(const QString &code)
{
    if (code == m_language)
        return;
    m_language = code;
    if (!m_enabled)
        return;
    if (!applyLanguage()) {
        setEnabled(false);
        return;
    }
    // The window installs the new translation as it switches; its screens
    // retranslate on the LanguageChange events that follow, so read the
    // screen again once those have been handled.
    QTimer::singleShot(0, this, &KioskSpeech::repeat);
}

void KioskSpeech::screenShown(QWidget *screen)
{
    m_screen = screen;
    m_focusSpeech.stop();
    if (!m_enabled || !screen)
        return;
    focusFirstChoice();
    say(screenAnnouncement());
}

void KioskSpeech::setCommonControls(const QList<QWidget *> &controls)
{
    m_commonControls.clear();
    for (QWidget *control : controls)
        m_commonControls.append(control);
}

QList<QWidget *> KioskSpeech::navigableWidgets() const
{
    QList<QWidget *> widgets;
    if (!m_screen)
        return widgets;
    QWidget *window = m_screen->window();
    for (QWidget *w = window->nextInFocusChain(); w && w != window; w = w->nextInFocusChain()) {
        if (m_screen->isAncestorOf(w) && isNavigable(w))
            widgets.append(w);
    }
    for (const QPointer<QWidget> &control : m_commonControls) {
        if (control && !m_screen->isAncestorOf(control) && control->window() == window
            && isNavigable(control) && !widgets.contains(control.data()))
            widgets.append(control.data());
    }
    return widgets;
}

void KioskSpeech::repeat()
{
    if (!m_enabled)
        return;
    say(m_screen ? screenAnnouncement() : m_lastUtterance);
}

QString KioskSpeech::textFor(const QWidget *widget)
{
    if (!widget)
        return {};
    QStringList parts;
    if (!widget->accessibleName().isEmpty()) {
        parts << widget->accessibleName() << widget->accessibleDescription();
    } else if (const auto *button = qobject_cast<const QAbstractButton *>(widget)) {
        // "&Continue" reads "Continue"; a literal "&&" stays one "&".
        QString text = button->text();
        text.replace(QStringLiteral("&&"), QStringLiteral("\x01")).remove(u'&').replace(u'\x01', u'&');
        parts << text << widget->accessibleDescription();
    } else if (const auto *label = qobject_cast<const QLabel *>(widget)) {
        parts << (Qt::mightBeRichText(label->text())
                      ? QTextDocumentFragment::fromHtml(label->text()).toPlainText()
                      : label->text());
    } else if (const auto *edit = qobject_cast<const QLineEdit *>(widget)) {
        parts << edit->placeholderText() << edit->text();
    } else {
        parts << widget->accessibleDescription();
    }
    if (const auto *button = qobject_cast<const QAbstractButton *>(widget);
        button && button->isCheckable() && button->isChecked())
        parts << tr("Selected");
    return joinSentences(parts);
}

bool KioskSpeech::ensureEngine()
{
    if (m_speech)
        return true;
    auto speech = std::make_unique<QTextToSpeech>(m_engineRequested, m_engineParameters);
    if (speech->state() == QTextToSpeech::Error || speech->engine().isEmpty()) {
        refuse(tr("Speech is not available on this kiosk."),
               QStringLiteral("no text-to-speech engine: asked for \"%1\" (Qt has %2): %3")
                   .arg(m_engineRequested.isEmpty() ? QStringLiteral("default") : m_engineRequested,
                        QTextToSpeech::availableEngines().join(QStringLiteral(", ")),
                        speech->errorString()));
        return false;
    }
    connect(speech.get(), &QTextToSpeech::errorOccurred, this,
            [this](QTextToSpeech::ErrorReason, const QString &error) {
                qCWarning(lcSpeech).noquote()
                    << "speech engine" << engineName() << "failed:" << error;
            });
    m_speech = std::move(speech);
    qCInfo(lcSpeech).noquote() << "speech engine" << m_speech->engine();
    return true;
}

bool KioskSpeech::applyLanguage()
{
    const QLocale wanted(m_language);
    const QLocale::Language language = wanted.language();
    const QString languageName = wanted.nativeLanguageName();
    const QString noVoice = tr("Speech is not available in %1 on this kiosk.").arg(languageName);

    std::optional<QLocale> chosen;
    for (const QLocale &offered : m_speech->availableLocales()) {
        if (offered.language() != language)
            continue;
        if (!chosen || offered.territory() == preferredTerritory(language))
            chosen = offered;
    }
    if (!chosen) {
        refuse(noVoice, QStringLiteral("engine %1 offers no locale of language \"%2\"")
                            .arg(engineName(), m_language));
        return false;
    }
    m_speech->setLocale(*chosen);
    if (m_speech->locale().language() != language) {
        refuse(noVoice, QStringLiteral("engine %1 refused locale %2")
                            .arg(engineName(), chosen->name()));
        return false;
    }
    const QList<QVoice> voices = m_speech->availableVoices();
    const auto voice = std::find_if(voices.cbegin(), voices.cend(), [language](const QVoice &v) {
        return v.locale().language() == language;
    });
    if (voice == voices.cend()) {
        refuse(noVoice, QStringLiteral("engine %1 has no voice for %2 (%3 voices of other languages)")
                            .arg(engineName(), chosen->name())
                            .arg(voices.size()));
        return false;
    }
    m_speech->setVoice(*voice);
    qCInfo(lcSpeech).noquote() << "speaking" << chosen->name() << "with voice" << voice->name();
    return true;
}

void KioskSpeech::refuse(const QString &reason, const QString &logDetail)
{
    qCWarning(lcSpeech).noquote() << "speech mode unavailable:" << logDetail;
    m_unavailableReason = reason;
    emit unavailable(reason);
}

void KioskSpeech::focusFirstChoice()
{
    if (!m_screen)
        return;
    QWidget *focused = m_screen->window()->focusWidget();
    if (focused && m_screen->isAncestorOf(focused))
        return;
    for (QWidget *widget : navigableWidgets()) {
        if (m_screen->isAncestorOf(widget)) {
            // Announced with the title, not on its own.
            m_announcing = true;
            widget->setFocus(Qt::OtherFocusReason);
            m_announcing = false;
            return;
        }
    }
}

QString KioskSpeech::screenAnnouncement() const
{
    if (!m_screen)
        return {};
    const QString title = m_screen->accessibleName().isEmpty() ? m_screen->windowTitle()
                                                                : m_screen->accessibleName();
    QWidget *focused = m_screen->window()->focusWidget();
    const bool inScope = focused && navigableWidgets().contains(focused);
    return joinSentences({title, inScope ? textFor(focused) : QString()});
}

void KioskSpeech::say(const QString &text)
{
    if (!m_enabled || !m_speech || text.isEmpty())
        return;
    // One utterance at a time: what the customer moved on from is cut short.
    if (m_speech->state() == QTextToSpeech::Speaking || m_speech->state() == QTextToSpeech::Paused)
        m_speech->stop();
    m_lastUtterance = text;
    m_speech->say(text);
    emit spoken(text);
}

void KioskSpeech::onFocusChanged(QWidget *now)
{
    if (!m_enabled || m_announcing || !now || !m_screen || now->window() != m_screen->window())
        return;
    m_focusSpeech.start();
}

void KioskSpeech::speakFocused()
{
    if (!m_enabled || !m_screen)
        return;
    if (QWidget *focused = m_screen->window()->focusWidget())
        say(textFor(focused));
}
