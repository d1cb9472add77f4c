#include "ui/kiosk/kioskspeech.h"

#include "ui/kiosk/kioskspeechengine_p.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QTextDocumentFragment>
#include <QTextToSpeech>
#include <QThread>
#include <QTimer>
#include <QWidget>

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

bool isNavigable(const QWidget *widget)
{
    return widget->isVisible() && widget->isEnabled() && (widget->focusPolicy() & Qt::TabFocus)
        && !widget->focusProxy();
}

} // namespace

KioskSpeech::KioskSpeech(QObject *parent)
    : KioskSpeech(preferredEngine(), {}, parent)
{ }

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
    m_engineTimeout.setSingleShot(true);
    connect(&m_engineTimeout, &QTimer::timeout, this, &KioskSpeech::onEngineTimeout);
}

KioskSpeech::~KioskSpeech()
{
    if (!m_thread)
        return;
    m_thread->quit();
    if (m_thread->wait(QDeadlineTimer(2000))) {
        delete m_thread; // the engine went with the thread's last deferred deletes
        return;
    }
    // Stuck inside the engine (a wedged speech-dispatcher): better a thread
    // left behind than a kiosk that cannot close.
    qCWarning(lcSpeech) << "the speech engine's thread did not stop; left running";
}

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

void KioskSpeech::setEnabled(bool enabled)
{
    if (!enabled) {
        const bool wasOn = m_enabled;
        m_enabled = false;
        m_starting = false;
        ++m_request; // an answer still on its way no longer counts
        m_engineTimeout.stop();
        m_focusSpeech.stop();
        if (m_engine)
            QMetaObject::invokeMethod(m_engine, &KioskSpeechEngine::stop, Qt::QueuedConnection);
        if (wasOn)
            emit enabledChanged(false);
        return;
    }
    if (m_enabled || m_starting)
        return;
    m_starting = true;
    requestLanguage();
}

void KioskSpeech::setLanguage(const QString &code)
{
    if (code == m_language)
        return;
    m_language = code;
    if (m_enabled || m_starting)
        requestLanguage();
}

void KioskSpeech::requestLanguage()
{
    if (!m_thread) {
        m_thread = new QThread;
        m_thread->setObjectName(QStringLiteral("kiosk speech"));
        m_engine = new KioskSpeechEngine(m_engineRequested, m_engineParameters);
        m_engine->moveToThread(m_thread);
        connect(m_thread, &QThread::finished, m_engine, &QObject::deleteLater);
        connect(m_engine, &KioskSpeechEngine::languageAnswered, this,
                [this](int request, KioskSpeechEngine::Outcome outcome, const QString &engine,
                       const QString &detail) { onLanguageAnswered(request, int(outcome), engine, detail); });
        m_thread->start();
    }
    const int request = ++m_request;
    const QString code = m_language;
    KioskSpeechEngine *engine = m_engine;
    QMetaObject::invokeMethod(
        m_engine, [engine, code, request] { engine->useLanguage(code, request); }, Qt::QueuedConnection);
    m_engineTimeout.start(m_engineTimeoutMs);
}

void KioskSpeech::onLanguageAnswered(int request, int outcome, const QString &engine, const QString &detail)
{
    if (request != m_request)
        return;
    m_engineTimeout.stop();
    m_engineName = engine;
    const bool starting = m_starting;
    m_starting = false;
    switch (KioskSpeechEngine::Outcome(outcome)) {
    case KioskSpeechEngine::Outcome::NoEngine:
        refuse(tr("Speech is not available on this kiosk."), detail);
        setEnabled(false);
        return;
    case KioskSpeechEngine::Outcome::NoVoice:
        refuse(
            tr("Speech is not available in %1 on this kiosk.").arg(QLocale(m_language).nativeLanguageName()),
            detail);
        setEnabled(false);
        return;
    case KioskSpeechEngine::Outcome::Ready:
        break;
    }
    qCInfo(lcSpeech).noquote() << "speech engine" << engine << detail;
    m_unavailableReason.clear();
    if (!starting) {
        // A new language while on: its texts are in by now (the window
        // installs them as it switches), so read the screen again in it.
        repeat();
        return;
    }
    m_enabled = true;
    emit enabledChanged(true);
    focusFirstChoice();
    m_focusSpeech.stop();
    say(joinSentences(
        {tr("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat."), screenAnnouncement()}));
}

void KioskSpeech::onEngineTimeout()
{
    refuse(tr("Speech is not available on this kiosk."),
           QStringLiteral("the speech engine (%1) did not answer within %2 ms")
               .arg(m_engineRequested.isEmpty() ? QStringLiteral("default") : m_engineRequested)
               .arg(m_engineTimeoutMs));
    setEnabled(false);
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
    // An overlay shown as the screen ("Still there?") lies over the common
    // controls: those it covers are out of reach until it goes.
    const QRect screenArea(m_screen->mapTo(window, QPoint(0, 0)), m_screen->size());
    for (const QPointer<QWidget> &control : m_commonControls) {
        if (!control || m_screen->isAncestorOf(control) || control->window() != window
            || !isNavigable(control) || widgets.contains(control.data()))
            continue;
        if (screenArea.intersects(QRect(control->mapTo(window, QPoint(0, 0)), control->size())))
            continue;
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
    const QString title
        = m_screen->accessibleName().isEmpty() ? m_screen->windowTitle() : m_screen->accessibleName();
    QWidget *focused = m_screen->window()->focusWidget();
    const bool inScope = focused && navigableWidgets().contains(focused);
    return joinSentences({title, inScope ? textFor(focused) : QString()});
}

void KioskSpeech::say(const QString &text)
{
    if (!m_enabled || !m_engine || text.isEmpty())
        return;
    m_lastUtterance = text;
    KioskSpeechEngine *engine = m_engine;
    QMetaObject::invokeMethod(
        m_engine, [engine, text] { engine->say(text); }, Qt::QueuedConnection);
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
