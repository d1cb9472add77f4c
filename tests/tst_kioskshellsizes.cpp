// The kiosk's style on the real KioskWindow with its KioskShell, on a
// portrait 1080x1920, a landscape 1920x1080 and a 1280x800 window, every
// screen of a booking (attract to done, paid at the desk) and the manager's
// PIN pad: every visible button at least KioskMetrics' touch target, every
// text with capitals at least 3/16 in high for the screen's DPI, nothing
// outside the window or cut short, and no scroll bar; in English, Spanish
// and German. The sizes are the panel's pixels; ctest runs it at 100 % and
// again at 150 % (QT_SCALE_FACTOR=1.5). The DPI is the offscreen screen's,
// stated by the test's first lines of output.
#include "db/staff/pinhash.h"
#include "tests/harness/nohang.h"
#include "tests/kioskfixture.h"
#include "ui/kiosk/attractscreen.h"
#include "ui/kiosk/donescreen.h"
#include "ui/kiosk/kioskguard.h"
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskshell.h"
#include "ui/kiosk/managerpinoverlay.h"
#include "ui/kiosk/payscreen.h"
#include "ui/kiosk/platescreen.h"
#include "ui/kiosk/kioskspeech.h"
#include "ui/kiosk/speakbutton.h"
#include "ui/kiosk/timescreen.h"
#include "ui/kiosk/washscreen.h"
#include "ui/kiosk/onscreenkeyboard.h"

#include <QAbstractButton>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QScrollBar>
#include <QTest>
#include <QtMath>

using TestWaits::kNoHangMs;

class TestKioskShellSizes : public QObject, protected KioskFixture
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init() { resetKioskSite(); }
    void cleanupTestCase() { stopKioskSite(); }

    void everyScreenFitsWithTargetsAndTextLargeEnough_data();
    void everyScreenFitsWithTargetsAndTextLargeEnough();

private:
    // What is wrong with what the window shows now, one line each.
    QStringList problems(KioskWindow &kiosk, const QString &where);
    static void settle();
};

void TestKioskShellSizes::initTestCase()
{
    // A database of its own for each scale: both runs may go at once.
    const QString scale = qEnvironmentVariable("QT_SCALE_FACTOR").remove(u'.');
    startKioskSite(QStringLiteral("tst_kioskshellsizes") + (scale.isEmpty() ? QString() : u'_' + scale));
    const QScreen *screen = QGuiApplication::primaryScreen();
    qInfo("screen %s: %.1f logical dpi (%dx%d px, %.0fx%.0f mm), device pixel ratio %.2f", qPrintable(screen->name()),
          screen->physicalDotsPerInch(), screen->geometry().width(), screen->geometry().height(),
          screen->physicalSize().width(), screen->physicalSize().height(), screen->devicePixelRatio());
}

void TestKioskShellSizes::settle()
{
    // Layouts and polish are posted events: let them all run.
    for (int i = 0; i < 3; ++i) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
}

QStringList TestKioskShellSizes::problems(KioskWindow &kiosk, const QString &where)
{
    settle();
    const KioskMetrics metrics(kiosk.QWidget::screen());
    const int target = metrics.targetPixels();
    const double cap = metrics.minimumCapHeightPixels();
    const QRect window = kiosk.rect();
    QStringList found;
    int buttons = 0;
    for (QWidget *widget : kiosk.findChildren<QWidget *>()) {
        if (!widget->isVisible() || widget->window() != &kiosk)
            continue;
        const QString name = QStringLiteral("%1 %2 \"%3\"")
                                 .arg(where, widget->objectName(), KioskSpeech::textFor(widget).left(40));
        if (qobject_cast<QScrollBar *>(widget)) {
            found << name + QStringLiteral(": a scroll bar");
            continue;
        }
        const QRect inWindow(widget->mapTo(&kiosk, QPoint(0, 0)), widget->size());
        auto *button = qobject_cast<QAbstractButton *>(widget);
        auto *label = qobject_cast<QLabel *>(widget);
        auto *edit = qobject_cast<QLineEdit *>(widget);
        if (!button && !edit && !(label && !label->text().isEmpty()))
            continue;
        if (!window.contains(inWindow))
            found << name + QStringLiteral(": at %1,%2 %3x%4, outside the %5x%6 window")
                                .arg(inWindow.x()).arg(inWindow.y()).arg(inWindow.width()).arg(inWindow.height())
                                .arg(window.width()).arg(window.height());
        const double capHeight = QFontMetricsF(widget->font()).capHeight();
        if (capHeight + 0.01 < cap)
            found << name + QStringLiteral(": capitals %1 px, below %2 px").arg(capHeight, 0, 'f', 1).arg(cap, 0, 'f', 1);
        if (button) {
            ++buttons;
            if (button->width() < target || button->height() < target)
                found << name + QStringLiteral(": %1x%2, below the %3 px target")
                                    .arg(button->width()).arg(button->height()).arg(target);
            // Each line of its text fits between its borders.
            const QFontMetrics fm(button->font());
            for (const QString &line : button->text().split(u'\n')) {
                if (fm.horizontalAdvance(QString(line).replace(QStringLiteral("&&"), QStringLiteral("&"))) > button->width())
                    found << name + QStringLiteral(": the text \"%1\" is wider than the button").arg(line);
            }
            if (fm.lineSpacing() * int(button->text().split(u'\n').size()) > button->height())
                found << name + QStringLiteral(": its lines are taller than the button");
        }
        if (label) {
            const int needed = label->wordWrap() ? label->heightForWidth(label->width())
                                                 : label->sizeHint().height();
            if (needed > label->height() + 1)
                found << name + QStringLiteral(": needs %1 px high, has %2").arg(needed).arg(label->height());
            if (!label->wordWrap() && label->pixmap().isNull() && label->sizeHint().width() > label->width() + 1)
                found << name + QStringLiteral(": needs %1 px wide, has %2").arg(label->sizeHint().width()).arg(label->width());
        }
    }
    if (buttons == 0)
        found << where + QStringLiteral(": no button at all");
    return found;
}

void TestKioskShellSizes::everyScreenFitsWithTargetsAndTextLargeEnough_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<QString>("language");
    // German and Spanish say most things at greater length than English.
    for (const char *language : {"en", "es", "de"}) {
        QTest::addRow("portrait 1080x1920 %s", language) << QSize(1080, 1920) << QString::fromLatin1(language);
        QTest::addRow("landscape 1920x1080 %s", language) << QSize(1920, 1080) << QString::fromLatin1(language);
        QTest::addRow("1280x800 %s", language) << QSize(1280, 800) << QString::fromLatin1(language);
    }
}

void TestKioskShellSizes::everyScreenFitsWithTargetsAndTextLargeEnough()
{
    QFETCH(QSize, size);
    QFETCH(QString, language);
    // No carwash-server: the kiosk offers "Book now, pay at the desk", so
    // the flow reaches Done without a card.
    setKiosk(QStringLiteral("Sizes"), {QStringLiteral("phone"), QStringLiteral("desk")}, language);
    sql(QStringLiteral("DELETE FROM audit_log WHERE entity = 'staff'; DELETE FROM staff; "
                       "INSERT INTO staff (name, role, pin_hash) VALUES ('Morgan', 'manager', '%1'), "
                       "('Alex Johnson-Whitfield', 'manager', '%1')")
            .arg(PinHash::hash(QStringLiteral("4321"))));
    auto kiosk = openKiosk(QStringLiteral("Sizes"));
    QVERIFY(kiosk);
    auto *shell = new KioskShell(kiosk.get());
    // The size is the panel's pixels: at 150 % (QT_SCALE_FACTOR=1.5, the
    // test's second run) the window has two thirds of them to lay out in.
    const qreal ratio = kiosk->devicePixelRatioF();
    size = QSize(qFloor(size.width() / ratio), qFloor(size.height() / ratio));
    qInfo("%s: %dx%d logical at device pixel ratio %.2f", QTest::currentDataTag(), size.width(), size.height(), ratio);
    kiosk->resize(size);
    settle();
    // A window whose screens need more room than it has cannot take the size.
    QStringList needs;
    for (KioskScreen *screen : kiosk->findChildren<KioskScreen *>())
        needs << QStringLiteral("%1 %2x%3").arg(screen->objectName()).arg(screen->minimumSizeHint().width())
                     .arg(screen->minimumSizeHint().height());
    QVERIFY2(kiosk->size() == size, qPrintable(QStringLiteral("the window is %1x%2, needs %3x%4; screens: %5")
                                                   .arg(kiosk->width()).arg(kiosk->height())
                                                   .arg(kiosk->minimumSizeHint().width())
                                                   .arg(kiosk->minimumSizeHint().height())
                                                   .arg(needs.join(QStringLiteral(", ")))));
    // The style is the shell's: the kiosk's font, its sheet on the window.
    QVERIFY(!kiosk->styleSheet().isEmpty());
    QVERIFY(shell->speakButton()->isVisible());

    // In the kiosk's language: not the English of the source.
    QCOMPARE(kiosk->attractScreen()->startButton()->text() == QStringLiteral("Touch to start"), language == u"en");

    QStringList found;
    found << problems(*kiosk, QStringLiteral("attract"));
    QVERIFY(tap(kiosk->attractScreen()->startButton()));
    const Service first = kiosk->attractScreen()->services().first();
    QVERIFY(tap(kiosk->washScreen()->washButton(first.id)));
    found << problems(*kiosk, QStringLiteral("wash"));
    QVERIFY(tap(kiosk->washScreen()->continueButton()));
    QTRY_VERIFY_WITH_TIMEOUT(!kiosk->timeScreen()->isLoading() && kiosk->timeScreen()->slotButton(0), kNoHangMs);
    found << problems(*kiosk, QStringLiteral("time"));
    QVERIFY(tap(kiosk->timeScreen()->slotButton(0)));
    QCOMPARE(kiosk->screen(), KioskWindow::Screen::Plate);
    // A plate the desk's rules refuse: the error shows too.
    QVERIFY(enterPlate(*kiosk, QStringLiteral("-")));
    QTRY_VERIFY_WITH_TIMEOUT(!kiosk->plateScreen()->errorText().isEmpty(), kNoHangMs);
    found << problems(*kiosk, QStringLiteral("plate"));
    // Keyboard beside the fields on a wide window, under them on a tall one.
    QCOMPARE(kiosk->plateScreen()->sideBySide(), size.width() > size.height());
    QVERIFY(tap(kiosk->plateScreen()->keyboard()->backspaceKey()));
    QVERIFY(enterPlate(*kiosk, QStringLiteral("SZ 1080")));
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->payScreen()->stage() == PayScreen::Stage::Choosing
                                 && kiosk->payScreen()->deskButton()->isVisible(),
                             kNoHangMs);
    found << problems(*kiosk, QStringLiteral("pay"));
    QVERIFY(tap(kiosk->payScreen()->deskButton()));
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->screen(), KioskWindow::Screen::Done, kNoHangMs);
    found << problems(*kiosk, QStringLiteral("done"));

    // The manager's PIN pad over it, two managers to choose from. (The
    // window is not locked here, which would make it the screen's size:
    // the guard's corner hold is tst_kioskshelllock's.)
    Q_EMIT kiosk->guard()->exitRequested();
    QTRY_VERIFY_WITH_TIMEOUT(kiosk->managerPinOverlay() && kiosk->managerPinOverlay()->isVisible(), kNoHangMs);
    QTRY_COMPARE_WITH_TIMEOUT(kiosk->managerPinOverlay()->findChildren<QPushButton *>(QStringLiteral("managerName")).size(), 2,
                              kNoHangMs);
    found << problems(*kiosk, QStringLiteral("manager PIN"));
    QVERIFY2(found.isEmpty(), qPrintable(found.join(u'\n')));
}

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    TestKioskShellSizes test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_kioskshellsizes.moc"
