// The kiosk's lock on the offscreen platform: the keys that leave a window
// never reach a widget or a shortcut, the window refuses to close and comes
// back to full screen, the cursor shows only for a real mouse, and only a
// still press held in the top-left corner asks to leave. The hold is made
// short for the tests; no test measures how long anything took.
#include "ui/kiosk/kioskguard.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLineEdit>
#include <QMouseEvent>
#include <QPointingDevice>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QShortcut>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

#include <memory>

namespace {

// A kiosk window that counts the close events it accepted.
class Window : public QWidget
{
public:
    int closesAccepted = 0;

protected:
    void closeEvent(QCloseEvent *event) override
    {
        ++closesAccepted;
        event->accept();
    }
};

// Counts the key presses that reached a widget.
class KeyCounter : public QObject
{
public:
    QList<QKeyCombination> pressed;

protected:
    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::KeyPress)
            pressed.append(static_cast<QKeyEvent *>(event)->keyCombination());
        return false;
    }
};

// Long enough that no busy machine lets it pass between two steps of a
// test, short enough to wait for.
constexpr int HoldMs = 500;

} // namespace

class TestKioskGuard : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void lockingMakesTheWindowFramelessFullScreenOnThePrimaryScreen();
    void keysThatLeaveAWindowReachNoWidgetAndNoShortcut_data();
    void keysThatLeaveAWindowReachNoWidgetAndNoShortcut();
    void plainKeysStillReachTheKiosk();
    void theLockedWindowRefusesToClose();
    void aMinimisedWindowComesBackToFullScreen();
    void unlockedTheKeysAndClosingWorkAgain();
    void aHoldInTheCornerAsksToLeave();
    void aFingerHeldInTheCornerAsksToLeave();
    void aShortPressAMovingPressOrAPressElsewhereDoNot();
    void theCursorShowsForARealMouseOnlyAndHidesAgain();
    void aWarningNeverEndsTheKioskAndAFatalErrorEndsItQuietly();

private:
    QPoint corner() const { return QPoint(5, 5); }

    std::unique_ptr<Window> m_window;
    QLineEdit *m_plate = nullptr;
    QPushButton *m_button = nullptr;
    std::unique_ptr<KioskGuard> m_guard;
    QPointingDevice *m_touchScreen = nullptr;
};

void TestKioskGuard::init()
{
    if (!m_touchScreen)
        m_touchScreen = QTest::createTouchDevice();
    m_window = std::make_unique<Window>();
    m_window->resize(1280, 800);
    auto *layout = new QVBoxLayout(m_window.get());
    m_plate = new QLineEdit(m_window.get());
    m_button = new QPushButton(QStringLiteral("Start over"), m_window.get());
    layout->addStretch(1);
    layout->addWidget(m_plate);
    layout->addWidget(m_button);
    m_guard = std::make_unique<KioskGuard>(m_window.get());
    m_guard->setCornerHoldDuration(HoldMs);
    m_guard->lock();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_window->activateWindow();
    m_plate->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), m_plate);
}

void TestKioskGuard::cleanup()
{
    m_guard.reset();
    m_window.reset();
    QCOMPARE(QGuiApplication::overrideCursor(), nullptr); // nothing left pushed
}

void TestKioskGuard::lockingMakesTheWindowFramelessFullScreenOnThePrimaryScreen()
{
    QVERIFY(m_guard->isLocked());
    QVERIFY(m_window->windowFlags().testFlag(Qt::FramelessWindowHint));
    QVERIFY(m_window->windowFlags().testFlag(Qt::WindowStaysOnTopHint));
    QVERIFY(m_window->isFullScreen());
    QCOMPARE(m_window->screen(), QGuiApplication::primaryScreen());
    QTRY_COMPARE(m_window->geometry(), QGuiApplication::primaryScreen()->geometry());
}

void TestKioskGuard::keysThatLeaveAWindowReachNoWidgetAndNoShortcut_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("modifiers");
    QTest::newRow("Escape") << int(Qt::Key_Escape) << int(Qt::NoModifier);
    QTest::newRow("Alt+F4") << int(Qt::Key_F4) << int(Qt::AltModifier);
    QTest::newRow("Ctrl+Q") << int(Qt::Key_Q) << int(Qt::ControlModifier);
    QTest::newRow("Ctrl+W") << int(Qt::Key_W) << int(Qt::ControlModifier);
    QTest::newRow("Alt+Tab") << int(Qt::Key_Tab) << int(Qt::AltModifier);
    QTest::newRow("F11") << int(Qt::Key_F11) << int(Qt::NoModifier);
    QTest::newRow("Ctrl+Alt+Delete") << int(Qt::Key_Delete) << int(Qt::ControlModifier | Qt::AltModifier);
    QTest::newRow("Menu") << int(Qt::Key_Menu) << int(Qt::NoModifier);
}

void TestKioskGuard::keysThatLeaveAWindowReachNoWidgetAndNoShortcut()
{
    QFETCH(int, key);
    QFETCH(int, modifiers);
    const QKeyCombination combination {Qt::KeyboardModifiers(modifiers), Qt::Key(key)};
    // The ways a Qt program would leave on that key: a shortcut and an
    // action that close the window.
    auto *shortcut = new QShortcut(QKeySequence(combination), m_window.get());
    connect(shortcut, &QShortcut::activated, m_window.get(), &QWidget::close);
    auto *action = new QAction(m_window.get());
    action->setShortcut(QKeySequence(combination));
    m_window->addAction(action);
    QSignalSpy shortcutFired(shortcut, &QShortcut::activated);
    QSignalSpy actionFired(action, &QAction::triggered);
    KeyCounter counter;
    m_plate->installEventFilter(&counter);
    m_window->installEventFilter(&counter);

    QTest::keyClick(m_plate, Qt::Key(key), Qt::KeyboardModifiers(modifiers));
    QCoreApplication::processEvents();

    QCOMPARE(counter.pressed, {});
    QCOMPARE(shortcutFired.count(), 0);
    QCOMPARE(actionFired.count(), 0);
    QVERIFY(m_window->isVisible());
    QCOMPARE(m_window->closesAccepted, 0);

    // The same key after unlocking does reach the shortcut: the test sees it.
    delete action;
    m_guard->unlock();
    QTest::keyClick(m_plate, Qt::Key(key), Qt::KeyboardModifiers(modifiers));
    QTRY_COMPARE(shortcutFired.count(), 1);
}

void TestKioskGuard::plainKeysStillReachTheKiosk()
{
    // The tactile keypad's digits and Enter pass.
    QTest::keyClicks(m_plate, QStringLiteral("AB12"));
    QCOMPARE(m_plate->text(), QStringLiteral("AB12"));
    QSignalSpy entered(m_plate, &QLineEdit::returnPressed);
    QTest::keyClick(m_plate, Qt::Key_Return);
    QCOMPARE(entered.count(), 1);
    QTest::keyClick(m_plate, Qt::Key_5, Qt::KeypadModifier);
    QCOMPARE(m_plate->text(), QStringLiteral("AB125"));
}

void TestKioskGuard::theLockedWindowRefusesToClose()
{
    QVERIFY(!m_window->close());
    QVERIFY(m_window->isVisible());
    QCOMPARE(m_window->closesAccepted, 0);
    // What a window manager sends for its close button or Alt+F4.
    QCloseEvent fromTheWindowManager;
    QCoreApplication::sendEvent(m_window.get(), &fromTheWindowManager);
    QVERIFY(!fromTheWindowManager.isAccepted());
    QVERIFY(m_window->isVisible());
    QCOMPARE(m_window->closesAccepted, 0);
}

void TestKioskGuard::aMinimisedWindowComesBackToFullScreen()
{
    m_window->showMinimized();
    QTRY_VERIFY(!m_window->isMinimized());
    QVERIFY(m_window->isFullScreen());
    m_window->showNormal();
    QTRY_VERIFY(m_window->isFullScreen());
}

void TestKioskGuard::unlockedTheKeysAndClosingWorkAgain()
{
    m_guard->unlock();
    QVERIFY(!m_guard->isLocked());
    QVERIFY(!m_guard->isCursorHidden());
    KeyCounter counter;
    m_plate->installEventFilter(&counter);
    QTest::keyClick(m_plate, Qt::Key_Escape);
    QCOMPARE(counter.pressed.size(), 1);
    QVERIFY(m_window->close());
    QCOMPARE(m_window->closesAccepted, 1);
    QVERIFY(!m_window->isVisible());
}

void TestKioskGuard::aHoldInTheCornerAsksToLeave()
{
    QSignalSpy exit(m_guard.get(), &KioskGuard::exitRequested);
    QTest::mousePress(m_window.get(), Qt::LeftButton, {}, corner());
    QTRY_COMPARE(exit.count(), 1);
    QTest::mouseRelease(m_window.get(), Qt::LeftButton, {}, corner());
    QCOMPARE(exit.count(), 1); // once per hold

    // Anywhere in the corner square, on whatever widget lies there.
    const QPoint inner(m_guard->cornerSize() - 2, m_guard->cornerSize() - 2);
    QTest::mousePress(m_window.get(), Qt::LeftButton, {}, inner);
    QTRY_COMPARE(exit.count(), 2);
    QTest::mouseRelease(m_window.get(), Qt::LeftButton, {}, inner);
}

void TestKioskGuard::aFingerHeldInTheCornerAsksToLeave()
{
    QSignalSpy exit(m_guard.get(), &KioskGuard::exitRequested);
    QTest::touchEvent(m_window.get(), m_touchScreen).press(0, corner());
    QTRY_COMPARE(exit.count(), 1);
    QTest::touchEvent(m_window.get(), m_touchScreen).release(0, corner());
    QCoreApplication::processEvents();
    QCOMPARE(exit.count(), 1);
}

void TestKioskGuard::aShortPressAMovingPressOrAPressElsewhereDoNot()
{
    QSignalSpy exit(m_guard.get(), &KioskGuard::exitRequested);
    // A tap.
    QTest::mouseClick(m_window.get(), Qt::LeftButton, {}, corner());
    QTest::touchEvent(m_window.get(), m_touchScreen).press(0, corner());
    QTest::touchEvent(m_window.get(), m_touchScreen).release(0, corner());
    QTest::qWait(HoldMs * 3);
    QCOMPARE(exit.count(), 0);

    // A press that slides out of the corner and stays down.
    const QPoint away(m_guard->cornerSize() * 3, m_guard->cornerSize() * 3);
    QTest::mousePress(m_window.get(), Qt::LeftButton, {}, corner());
    QTest::mouseMove(m_window.get(), away);
    QTest::touchEvent(m_window.get(), m_touchScreen).press(1, corner());
    QTest::touchEvent(m_window.get(), m_touchScreen).move(1, away);
    QTest::qWait(HoldMs * 3);
    QCOMPARE(exit.count(), 0);
    QTest::mouseRelease(m_window.get(), Qt::LeftButton, {}, away);
    QTest::touchEvent(m_window.get(), m_touchScreen).release(1, away);

    // A long press in another corner.
    const QPoint otherCorner(m_window->width() - 5, 5);
    QTest::mousePress(m_window.get(), Qt::LeftButton, {}, otherCorner);
    QTest::qWait(HoldMs * 3);
    QCOMPARE(exit.count(), 0);
    QTest::mouseRelease(m_window.get(), Qt::LeftButton, {}, otherCorner);

    // And the same hold once more, still in the corner, does ask.
    QTest::mousePress(m_window.get(), Qt::LeftButton, {}, corner());
    QTRY_COMPARE(exit.count(), 1);
    QTest::mouseRelease(m_window.get(), Qt::LeftButton, {}, corner());
}

void TestKioskGuard::theCursorShowsForARealMouseOnlyAndHidesAgain()
{
    m_guard->setCursorHideDelay(100);
    QVERIFY(m_guard->isCursorHidden());
    QVERIFY(QGuiApplication::overrideCursor());
    QCOMPARE(QGuiApplication::overrideCursor()->shape(), Qt::BlankCursor);

    // Fingers on the glass: Qt makes mouse events from them, which do not
    // show the cursor.
    const QPoint middle = m_window->rect().center();
    QTest::touchEvent(m_window.get(), m_touchScreen).press(0, middle);
    QTest::touchEvent(m_window.get(), m_touchScreen).move(0, middle + QPoint(40, 0));
    QTest::touchEvent(m_window.get(), m_touchScreen).release(0, middle + QPoint(40, 0));
    QCoreApplication::processEvents();
    QVERIFY(m_guard->isCursorHidden());
    QCOMPARE(QGuiApplication::overrideCursor()->shape(), Qt::BlankCursor);

    // A mouse moves: the cursor shows, then hides again when it rests.
    // (QTest::mouseMove moves Qt's own cursor, which Qt reports as made
    // up; a mouse on the desk reports moves from the core pointer.)
    QMouseEvent move(QEvent::MouseMove, middle, m_window->mapToGlobal(middle), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier, QPointingDevice::primaryPointingDevice());
    QCOMPARE(move.source(), Qt::MouseEventNotSynthesized);
    QApplication::sendEvent(m_window.get(), &move);
    QVERIFY(!m_guard->isCursorHidden());
    QCOMPARE(QGuiApplication::overrideCursor(), nullptr);
    QTRY_VERIFY(m_guard->isCursorHidden());
    QCOMPARE(QGuiApplication::overrideCursor()->shape(), Qt::BlankCursor);
    // A click of a real mouse shows it too.
    QTest::mouseClick(m_button, Qt::LeftButton);
    QVERIFY(!m_guard->isCursorHidden());
    QTRY_VERIFY(m_guard->isCursorHidden());
}

namespace {

// This program again, as a kiosk start-up would log: with the quiet
// handler or without it, in an environment that makes warnings fatal.
QProcess *runChild(const QString &mode)
{
    auto *child = new QProcess;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QT_FATAL_WARNINGS"), QStringLiteral("1"));
    child->setProcessEnvironment(environment);
    child->start(QCoreApplication::applicationFilePath(), {mode});
    return child;
}

int child(const char *mode)
{
    if (qstrcmp(mode, "--child-unguarded-warning") != 0)
        KioskGuard::installQuietMessageHandler();
    if (qstrcmp(mode, "--child-fatal") == 0)
        qFatal("kiosk fatal for the test");
    qWarning("kiosk warning for the test");
    std::puts("still running");
    return 0;
}

} // namespace

void TestKioskGuard::aWarningNeverEndsTheKioskAndAFatalErrorEndsItQuietly()
{
    // Without the handler, QT_FATAL_WARNINGS=1 ends a program at its first
    // warning: what the kiosk must not do.
    std::unique_ptr<QProcess> unguarded(runChild(QStringLiteral("--child-unguarded-warning")));
    QVERIFY(unguarded->waitForFinished(60000));
    QCOMPARE(unguarded->exitStatus(), QProcess::CrashExit);

    std::unique_ptr<QProcess> guarded(runChild(QStringLiteral("--child-warning")));
    QVERIFY(guarded->waitForFinished(60000));
    QCOMPARE(guarded->exitStatus(), QProcess::NormalExit);
    QCOMPARE(guarded->exitCode(), 0);
    QVERIFY(guarded->readAllStandardOutput().contains("still running"));
    QVERIFY(guarded->readAllStandardError().contains("kiosk warning for the test"));

    // A fatal error: said on stderr, the process gone with status 70, not
    // by a signal a crash reporter would catch.
    std::unique_ptr<QProcess> fatal(runChild(QStringLiteral("--child-fatal")));
    QVERIFY(fatal->waitForFinished(60000));
    QCOMPARE(fatal->exitStatus(), QProcess::NormalExit);
    QCOMPARE(fatal->exitCode(), 70);
    QVERIFY(fatal->readAllStandardError().contains("kiosk fatal for the test"));
}

int main(int argc, char *argv[])
{
    if (argc > 1 && qstrncmp(argv[1], "--child-", 8) == 0)
        return child(argv[1]);
    QApplication app(argc, argv);
    TestKioskGuard test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_kioskguard.moc"
