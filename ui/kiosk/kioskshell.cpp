#include "ui/kiosk/kioskshell.h"

#include "ui/kiosk/kioskkeypad.h"
#include "ui/kiosk/kioskoverlay.h"
#include "ui/kiosk/kioskscreen.h"
#include "ui/kiosk/kioskspeech.h"
#include "ui/kiosk/kioskstyle.h"
#include "ui/kiosk/kioskwindow.h"
#include "ui/kiosk/speakbutton.h"

#include <QChildEvent>
#include <QEvent>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QWindow>


KioskShell::KioskShell(KioskWindow *window, const QString &speechEngine, const QVariantMap &speechParameters)
    : QObject(window)
    , m_window(window)
{
    Q_ASSERT(window);
    m_speech = speechEngine.isEmpty() && speechParameters.isEmpty()
        ? new KioskSpeech(this)
        : new KioskSpeech(speechEngine.isEmpty() ? KioskSpeech::preferredEngine() : speechEngine, speechParameters,
                          this);
    m_speech->setLanguage(window->language());
    QList<QWidget *> common {window->backButton(), window->startOverButton()};
    for (const QString &language : {QStringLiteral("en"), QStringLiteral("es"), QStringLiteral("de")}) {
        if (QPushButton *button = window->languageButton(language))
            common.append(button);
    }
    common.append(window->callAttendantButton());
    m_speech->setCommonControls(common);
    m_keypad = new KioskKeypad(m_speech, this);

    // Why speech cannot be on, said where the Speak key is; gone with the
    // next screen or once speech is on.
    m_speechNotice = new QLabel(window);
    m_speechNotice->setObjectName(QStringLiteral("speechNotice"));
    m_speechNotice->setProperty(KioskStyle::RoleProperty, QStringLiteral("error"));
    m_speechNotice->setWordWrap(true);
    m_speechNotice->hide();
    window->addToTopBar(m_speechNotice);
    m_speak = new SpeakButton(m_speech, window);
    m_speak->setObjectName(QStringLiteral("kioskSpeak"));
    window->addToTopBar(m_speak);
    m_speak->show(); // the window may be on show already
    connect(m_speech, &KioskSpeech::unavailable, this, [this](const QString &reason) {
        m_speechNotice->setText(reason);
        m_speechNotice->show();
    });
    connect(m_speech, &KioskSpeech::enabledChanged, this, [this](bool on) {
        if (on)
            m_speechNotice->hide();
    });
    connect(window, &KioskWindow::languageChosen, m_speech, &KioskSpeech::setLanguage);
    connect(window, &KioskWindow::screenChanged, this, &KioskShell::screenChanged);
    connect(window, &KioskWindow::unlockedByManager, this, [this] { m_speech->setEnabled(false); });

    window->installEventFilter(this);
    watchOverlays();
    m_styledFor = window->QWidget::screen(); // the window styles itself as it is made
    followScreenOf(window->windowHandle());
    showScreenOrOverlay();
}

KioskShell::~KioskShell() = default;

QString KioskShell::speechNotice() const
{
    return m_speechNotice->isVisible() ? m_speechNotice->text() : QString();
}

void KioskShell::applyStyle()
{
    m_styledFor = m_window->QWidget::screen();
    KioskStyle::apply(m_window);
}

void KioskShell::followScreenOf(QWindow *handle)
{
    // The native window is made on first show (and again when the guard
    // changes its flags): each one is followed to the screens it moves to.
    if (!handle || handle == m_followedHandle)
        return;
    m_followedHandle = handle;
    connect(handle, &QWindow::screenChanged, this, [this] { applyStyle(); });
    // Restyled after the show that made it, never inside it (a style sheet
    // set while the window shows loses its full-screen state).
    if (handle->screen() != m_styledFor)
        QMetaObject::invokeMethod(this, &KioskShell::applyStyle, Qt::QueuedConnection);
}

void KioskShell::screenChanged()
{
    m_speechNotice->hide();
    // Back at the start, the next customer begins without speech.
    if (m_window->screen() == KioskWindow::Screen::Attract)
        m_speech->setEnabled(false);
    showScreenOrOverlay();
}

void KioskShell::watchOverlays()
{
    for (KioskOverlay *overlay : m_window->findChildren<KioskOverlay *>(Qt::FindDirectChildrenOnly))
        overlay->installEventFilter(this);
}

void KioskShell::showScreenOrOverlay()
{
    // An overlay stands in for the screen while it is up (the topmost one).
    const QObjectList &children = m_window->children();
    for (auto it = children.crbegin(); it != children.crend(); ++it) {
        auto *overlay = qobject_cast<KioskOverlay *>(*it);
        if (overlay && overlay->isVisible()) {
            if (m_speech->currentScreen() != overlay)
                m_speech->screenShown(overlay);
            return;
        }
    }
    QWidget *screen = m_window->currentScreen();
    if (m_speech->currentScreen() != screen)
        m_speech->screenShown(screen);
}

bool KioskShell::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window) {
        if (event->type() == QEvent::ChildPolished) {
            // An overlay added since (idle, PIN): followed as it shows and hides.
            if (auto *overlay = qobject_cast<KioskOverlay *>(static_cast<QChildEvent *>(event)->child()))
                overlay->installEventFilter(this);
        } else if (event->type() == QEvent::Show) {
            followScreenOf(m_window->windowHandle());
        }
    } else if (qobject_cast<KioskOverlay *>(watched)
               && (event->type() == QEvent::Show || event->type() == QEvent::Hide)) {
        // After it has shown or gone: the focus is then where it lands.
        QMetaObject::invokeMethod(this, &KioskShell::showScreenOrOverlay, Qt::QueuedConnection);
    }
    return QObject::eventFilter(watched, event);
}
