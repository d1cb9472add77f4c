// The kiosk's sizes and colours for stated screens: touch targets at least
// 9 mm on the glass and at least 44 px at 96 dpi, gaps between them, text
// whose capitals stand at least 3/16 in high (ADA 2010 §707.7.2), and every
// text colour of the kiosk's style at 7:1 or more by WCAG's formula. Each
// size is checked in millimetres worked out here from the panel's own
// figures, not from KioskMetrics' conversions.
#include "ui/kiosk/kioskmetrics.h"
#include "ui/kiosk/kioskstyle.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QScreen>
#include <QTest>
#include <QVBoxLayout>

#include <cmath>

namespace {

// WCAG 2.x relative luminance and contrast ratio.
double channel(int value)
{
    const double c = value / 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

double luminance(const QColor &colour)
{
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// A panel by its resolution in device pixels and its diagonal in inches.
double panelDpi(int widthPixels, int heightPixels, double diagonalInches)
{
    return std::hypot(double(widthPixels), double(heightPixels)) / diagonalInches;
}

constexpr double ThreeSixteenthsInchMm = 25.4 * 3 / 16; // 4.7625

int pixelsOf(const QImage &image, const QColor &colour)
{
    int count = 0;
    const QRgb wanted = colour.rgb();
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            if ((image.pixel(x, y) & 0xffffff) == (wanted & 0xffffff))
                ++count;
        }
    }
    return count;
}

} // namespace

class TestKioskMetrics : public QObject
{
    Q_OBJECT
private slots:
    void targetsTextAndGapsOnStatedScreens_data();
    void targetsTextAndGapsOnStatedScreens();
    void aRealScreenIsReadFromItsPhysicalSize();
    void aPanelThatMisreportsItsSizeIsGivenItsDensity();
    void everyTextColourOfTheStyleHasSevenToOneContrast();
    void styledWidgetsShowTheRulesColoursAndSizes();
    void theStyleUsesNoThinFont();
};

void TestKioskMetrics::targetsTextAndGapsOnStatedScreens_data()
{
    QTest::addColumn<double>("devicePixelsPerInch");
    QTest::addColumn<double>("scale");

    QTest::newRow("96 dpi at 100 %") << 96.0 << 1.0;
    QTest::newRow("144 dpi at 150 %") << 144.0 << 1.5;
    // 15.6" 1920x1080 landscape: sqrt(1920² + 1080²) / 15.6 = 141.2 dpi.
    QTest::newRow("15.6in 1920x1080 at 100 %") << panelDpi(1920, 1080, 15.6) << 1.0;
    QTest::newRow("15.6in 1920x1080 at 150 %") << panelDpi(1920, 1080, 15.6) << 1.5;
    // 21.5" 1080x1920 portrait: 102.5 dpi.
    QTest::newRow("21.5in 1080x1920 at 100 %") << panelDpi(1080, 1920, 21.5) << 1.0;
    QTest::newRow("21.5in 1080x1920 at 150 %") << panelDpi(1080, 1920, 21.5) << 1.5;
    // 10.1" 1280x800: 149.5 dpi, the densest here.
    QTest::newRow("10.1in 1280x800 at 100 %") << panelDpi(1280, 800, 10.1) << 1.0;
}

void TestKioskMetrics::targetsTextAndGapsOnStatedScreens()
{
    QFETCH(double, devicePixelsPerInch);
    QFETCH(double, scale);
    const KioskMetrics metrics = KioskMetrics::fromPanel(devicePixelsPerInch, scale);
    // A logical pixel is `scale` device pixels on the panel.
    auto mmOnGlass = [&](double logicalPixels) { return logicalPixels * scale / devicePixelsPerInch * 25.4; };

    const int target = metrics.targetPixels();
    QVERIFY2(target >= 44, qPrintable(QString::number(target)));
    QVERIFY2(mmOnGlass(target) >= 9.0, qPrintable(QStringLiteral("%1 mm").arg(mmOnGlass(target))));
    // The smallest that does both, not just any large number.
    QVERIFY(target - 1 < 44 || mmOnGlass(target - 1) < 9.0);

    QVERIFY(metrics.gapPixels() >= 12);
    QVERIFY(mmOnGlass(metrics.gapPixels()) >= KioskMetrics::MinimumGapMm);

    // Text: the capital's height of the kiosk's own font at the pixel size
    // given, measured by Qt, on the glass.
    const QFont base = KioskStyle::font();
    QFont body(base);
    body.setPixelSize(metrics.textPixelSize(base));
    const double capMm = mmOnGlass(QFontMetricsF(body).capHeight());
    QVERIFY2(capMm >= ThreeSixteenthsInchMm, qPrintable(QStringLiteral("capitals %1 mm").arg(capMm)));
    QFont smaller(base);
    smaller.setPixelSize(metrics.textPixelSize(base) - 1);
    QVERIFY(mmOnGlass(QFontMetricsF(smaller).capHeight()) < ThreeSixteenthsInchMm);
    // The pixel size (the em) is larger than the capital it holds.
    QVERIFY(body.pixelSize() > QFontMetricsF(body).capHeight());

    QFont heading(base);
    heading.setBold(true);
    heading.setPixelSize(metrics.headingPixelSize(heading));
    QVERIFY(mmOnGlass(QFontMetricsF(heading).capHeight()) >= 1.6 * ThreeSixteenthsInchMm);
}

void TestKioskMetrics::aRealScreenIsReadFromItsPhysicalSize()
{
    // Run twice by CTest: at 100 % and with QT_SCALE_FACTOR=1.5.
    QScreen *screen = QGuiApplication::primaryScreen();
    QVERIFY(screen);
    if (qEnvironmentVariableIsSet("QT_SCALE_FACTOR"))
        QCOMPARE(screen->devicePixelRatio(), qEnvironmentVariable("QT_SCALE_FACTOR").toDouble());
    const KioskMetrics metrics(screen);
    QCOMPARE(metrics.devicePixelRatio(), screen->devicePixelRatio());
    const QSizeF mm = screen->physicalSize();
    QVERIFY2(mm.width() > 1, "the offscreen screen states its size");
    // Qt 6's physicalDotsPerInch is logical pixels per inch, the scale
    // already in it; the metrics take the denser direction.
    QVERIFY(metrics.logicalDpi() >= screen->physicalDotsPerInch() - 0.5);

    // On the glass: the panel's device pixels across its width in mm.
    const double devicePixelsAcross = screen->geometry().width() * screen->devicePixelRatio();
    auto mmOnGlass = [&](double logicalPixels) {
        return logicalPixels * screen->devicePixelRatio() / devicePixelsAcross * mm.width();
    };
    QVERIFY(metrics.targetPixels() >= 44);
    QVERIFY2(mmOnGlass(metrics.targetPixels()) >= 9.0,
             qPrintable(QStringLiteral("%1 mm").arg(mmOnGlass(metrics.targetPixels()))));
    QFont body = KioskStyle::font();
    body.setPixelSize(metrics.textPixelSize(body));
    QVERIFY(mmOnGlass(QFontMetricsF(body).capHeight()) >= ThreeSixteenthsInchMm);
}

void TestKioskMetrics::aPanelThatMisreportsItsSizeIsGivenItsDensity()
{
    QScreen *screen = QGuiApplication::primaryScreen();
    qputenv(KioskMetrics::PanelDpiVariable, "141.2");
    const KioskMetrics stated(screen);
    qunsetenv(KioskMetrics::PanelDpiVariable);
    QCOMPARE(stated.logicalDpi(), 141.2 / screen->devicePixelRatio());
    QCOMPARE(stated.targetPixels(),
             KioskMetrics::fromPanel(141.2, screen->devicePixelRatio()).targetPixels());
    // Nonsense is not taken: the screen's own figures are.
    qputenv(KioskMetrics::PanelDpiVariable, "fast");
    const KioskMetrics nonsense(screen);
    qunsetenv(KioskMetrics::PanelDpiVariable);
    QCOMPARE(nonsense.logicalDpi(), KioskMetrics(screen).logicalDpi());
}

void TestKioskMetrics::everyTextColourOfTheStyleHasSevenToOneContrast()
{
    const QList<KioskStyle::ColourRule> rules = KioskStyle::colourRules();
    QVERIFY(rules.size() >= 6);
    for (const KioskStyle::ColourRule &rule : rules) {
        const double ratio = contrast(rule.text, rule.background);
        QVERIFY2(ratio >= 7.0,
                 qPrintable(QStringLiteral("%1: %2 on %3 is %4:1")
                                .arg(rule.selector, rule.text.name(), rule.background.name())
                                .arg(ratio, 0, 'f', 2)));
        // The sheet is made of these rules.
        QVERIFY(KioskStyle::styleSheet(KioskMetrics::fromPanel(96, 1))
                    .contains(QStringLiteral("%1 { color: %2; background-color: %3;")
                                  .arg(rule.selector, rule.text.name(), rule.background.name())));
    }
    // The formula itself, on WCAG's known pairs.
    QCOMPARE(qRound(contrast(Qt::black, Qt::white) * 10), 210);
    QCOMPARE(qRound(contrast(QColor(0x76, 0x76, 0x76), Qt::white) * 100), 454);
}

void TestKioskMetrics::styledWidgetsShowTheRulesColoursAndSizes()
{
    QWidget window;
    auto *layout = new QVBoxLayout(&window);
    auto *text = new QLabel(QStringLiteral("HELLO"), &window);
    auto *error = new QLabel(QStringLiteral("HELLO"), &window);
    error->setProperty(KioskStyle::RoleProperty, QStringLiteral("error"));
    auto *primary = new QPushButton(QStringLiteral("PAY"), &window);
    primary->setProperty(KioskStyle::RoleProperty, QStringLiteral("primary"));
    auto *disabled = new QPushButton(QStringLiteral("PAY"), &window);
    disabled->setEnabled(false);
    for (QWidget *widget : {static_cast<QWidget *>(text), static_cast<QWidget *>(error),
                            static_cast<QWidget *>(primary), static_cast<QWidget *>(disabled)})
        layout->addWidget(widget);
    KioskStyle::apply(&window);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto ruleFor = [](const QString &selector) {
        for (const KioskStyle::ColourRule &rule : KioskStyle::colourRules()) {
            if (rule.selector == selector)
                return rule;
        }
        return KioskStyle::ColourRule {};
    };
    struct Case
    {
        QWidget *widget;
        QString selector;
    };
    const QList<Case> cases {{text, QStringLiteral("QWidget")},
                             {error, QStringLiteral("QLabel[kioskRole=\"error\"]")},
                             {primary, QStringLiteral("QPushButton[kioskRole=\"primary\"]")},
                             {disabled, QStringLiteral("QPushButton:disabled")}};
    for (const Case &c : cases) {
        const KioskStyle::ColourRule rule = ruleFor(c.selector);
        QVERIFY2(rule.text.isValid(), qPrintable(c.selector));
        const QImage image = c.widget->grab().toImage();
        // Mostly background, and the letters drawn in the text colour.
        QVERIFY2(pixelsOf(image, rule.background) > image.width() * image.height() / 3,
                 qPrintable(c.selector));
        QVERIFY2(pixelsOf(image, rule.text) > 20, qPrintable(c.selector));
    }

    const KioskMetrics metrics(window.screen());
    QVERIFY(primary->height() >= metrics.targetPixels());
    QVERIFY(primary->width() >= metrics.targetPixels());
    QCOMPARE(QFontInfo(text->font()).pixelSize(), metrics.textPixelSize(KioskStyle::font()));
}

void TestKioskMetrics::theStyleUsesNoThinFont()
{
    const QFont font = KioskStyle::font();
    QVERIFY(font.weight() >= QFont::Normal);
    QCOMPARE(font.styleHint(), QFont::SansSerif);
    QVERIFY(!QFontInfo(font).family().isEmpty());
    QVERIFY(!KioskStyle::styleSheet(KioskMetrics::fromPanel(96, 1))
                 .contains(QStringLiteral("font-weight: light")));
}

QTEST_MAIN(TestKioskMetrics)
#include "tst_kioskmetrics.moc"
