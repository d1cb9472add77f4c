#include "tests/kioskspeechfixture.h"

#include "app/startup/translations.h"

#include <QApplication>
#include <QLabel>
#include <QTest>
#include <QVBoxLayout>

namespace {

QPushButton *choice(QWidget *parent, const QString &name, const QString &description)
{
    auto *button = new QPushButton(name.section(u' ', 0, 0), parent);
    button->setAccessibleName(name);
    button->setAccessibleDescription(description);
    button->setFocusPolicy(Qt::StrongFocus);
    parent->layout()->addWidget(button);
    return button;
}

} // namespace

KioskStandIn::KioskStandIn()
{
    auto *layout = new QVBoxLayout(&window);
    stack = new QStackedWidget(&window);
    layout->addWidget(stack);

    washScreen = new QWidget;
    washScreen->setAccessibleName(QStringLiteral("Choose your wash"));
    new QVBoxLayout(washScreen);
    basic = choice(washScreen, QStringLiteral("Basic wash"), QStringLiteral("8.00 dollars"));
    deluxe = choice(washScreen, QStringLiteral("Deluxe wash"), QStringLiteral("14.50 dollars"));
    ultimate = choice(washScreen, QStringLiteral("Ultimate wash"), QStringLiteral("19.00 dollars"));
    stack->addWidget(washScreen);

    timeScreen = new QWidget;
    timeScreen->setAccessibleName(QStringLiteral("Pick a time"));
    new QVBoxLayout(timeScreen);
    now = choice(timeScreen, QStringLiteral("Now, Tunnel Lane 2"), QStringLiteral("Ready in 4 min"));
    later = choice(timeScreen, QStringLiteral("10:30, Tunnel Lane 1"), {});
    plate = new QLineEdit(timeScreen);
    plate->setPlaceholderText(QStringLiteral("Plate"));
    timeScreen->layout()->addWidget(plate);
    stack->addWidget(timeScreen);

    startOver = new QPushButton(QStringLiteral("&Start over"), &window);
    startOver->setFocusPolicy(Qt::StrongFocus);
    layout->addWidget(startOver);
    window.resize(600, 800);
}

QString KioskSpeechFixture::washAnnouncement(const QString &focused)
{
    return QStringLiteral("Choose your wash. %1").arg(focused);
}

QLabel *KioskSpeechFixture::visibleHint(const QWidget &window)
{
    auto *hint = window.findChild<QLabel *>(QStringLiteral("speakHint"));
    return hint && hint->isVisible() ? hint : nullptr;
}

void KioskSpeechFixture::setUp()
{
    RecordingSpeech::clear();
    m_kiosk = std::make_unique<KioskStandIn>();
    m_kiosk->window.show();
    m_kiosk->window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&m_kiosk->window));
}

void KioskSpeechFixture::tearDown()
{
    m_keypad.reset();
    m_speech.reset();
    m_kiosk.reset();
    Translations::install(*qApp, QStringLiteral("en"));
}

void KioskSpeechFixture::makeSpeech(const QVariantMap &parameters)
{
    m_speech = std::make_unique<KioskSpeech>(recordingEngine(), parameters);
    m_speech->setCommonControls({m_kiosk->startOver});
    m_keypad = std::make_unique<KioskKeypad>(m_speech.get());
    // The window's part: each screen as it appears, Start over on the first.
    QObject::connect(m_kiosk->deluxe, &QPushButton::clicked, m_speech.get(), [this] {
        m_kiosk->stack->setCurrentWidget(m_kiosk->timeScreen);
        m_speech->screenShown(m_kiosk->timeScreen);
    });
    QObject::connect(m_kiosk->startOver, &QPushButton::clicked, m_speech.get(), [this] {
        m_kiosk->stack->setCurrentWidget(m_kiosk->washScreen);
        m_speech->screenShown(m_kiosk->washScreen);
    });
}

void KioskSpeechFixture::showWashScreen()
{
    m_kiosk->stack->setCurrentWidget(m_kiosk->washScreen);
    m_speech->screenShown(m_kiosk->washScreen);
}

void KioskSpeechFixture::enableSpeech()
{
    m_speech->setEnabled(true);
    QTRY_VERIFY(m_speech->isEnabled());
    QTRY_VERIFY(!RecordingSpeech::said().isEmpty());
}

void KioskSpeechFixture::pressKeypad(Qt::Key key, Qt::KeyboardModifiers modifiers)
{
    QWidget *target = QApplication::focusWidget() ? QApplication::focusWidget() : &m_kiosk->window;
    QTest::keyClick(target, key, modifiers);
}

QString KioskSpeechFixture::intro()
{
    return KioskSpeech::tr("Speech on. Press 4 or 6 to move, 5 to choose, 0 to repeat.");
}
