#include "ui/kiosk/kioskstyle.h"

#include "ui/kiosk/kioskmetrics.h"

#include <QFontDatabase>
#include <QWidget>

namespace {

const QColor Black(0x00, 0x00, 0x00);
const QColor White(0xff, 0xff, 0xff);
const QColor Blue(0x0b, 0x3d, 0x91); // 10:1 with white
const QColor Yellow(0xff, 0xd4, 0x00); // 14.7:1 with black
const QColor DarkRed(0x9b, 0x00, 0x00); // 8.8:1 on white
const QColor DisabledText(0x33, 0x33, 0x33);
const QColor DisabledBackground(0xd9, 0xd9, 0xd9); // 8.9:1 together

QString css(const QColor &colour)
{
    return colour.name(QColor::HexRgb);
}

} // namespace

QList<KioskStyle::ColourRule> KioskStyle::colourRules()
{
    // Later rules win over earlier ones of the same weight, so states come
    // after the plain buttons.
    return {
        {QStringLiteral("QWidget"), Black, White, {}},
        {QStringLiteral("QLabel[kioskRole=\"error\"]"), DarkRed, White, QStringLiteral("font-weight: bold;")},
        {QStringLiteral("QPushButton"), Black, White, QStringLiteral("border: 3px solid #000000;")},
        {QStringLiteral("QPushButton[kioskRole=\"primary\"]"), White, Blue,
         QStringLiteral("border: 3px solid #000000;")},
        // Chosen (a toggle): a border twice as thick says it without colour.
        {QStringLiteral("QPushButton:checked"), Yellow, Black, QStringLiteral("border: 6px solid #000000;")},
        {QStringLiteral("QPushButton:pressed"), White, Black, {}},
        {QStringLiteral("QPushButton:disabled"), DisabledText, DisabledBackground,
         QStringLiteral("border: 3px dashed #333333;")},
        {QStringLiteral("QFrame[kioskRole=\"panel\"]"), Black, White,
         QStringLiteral("border: 4px solid #000000;")},
    };
}

QFont KioskStyle::font()
{
    QFont font;
    const QStringList preferred {QStringLiteral("DejaVu Sans"), QStringLiteral("Noto Sans"),
                                 QStringLiteral("Liberation Sans"), QStringLiteral("Arial")};
    for (const QString &family : preferred) {
        if (QFontDatabase::hasFamily(family)) {
            font.setFamily(family);
            break;
        }
    }
    font.setStyleHint(QFont::SansSerif);
    font.setWeight(QFont::Normal);
    return font;
}

QString KioskStyle::styleSheet(const KioskMetrics &metrics)
{
    const QFont base = font();
    const int text = metrics.textPixelSize(base);
    QFont bold(base);
    bold.setBold(true);
    const int heading = metrics.headingPixelSize(bold);
    const int target = metrics.targetPixels();
    const int gap = metrics.gapPixels();

    QString sheet;
    sheet += QStringLiteral("QWidget { font-family: \"%1\"; font-size: %2px; font-weight: normal; }\n")
                 .arg(base.family())
                 .arg(text);
    sheet += QStringLiteral("QLabel[kioskRole=\"heading\"] { font-size: %1px; font-weight: bold; }\n")
                 .arg(heading);
    // Buttons at least a target high and wide, their text clear of the
    // border by a gap.
    sheet += QStringLiteral("QPushButton { min-height: %1px; min-width: %1px; padding: 0px %2px; "
                            "border-radius: 8px; font-weight: bold; }\n")
                 .arg(target)
                 .arg(gap);
    sheet += QStringLiteral("QFrame[kioskRole=\"panel\"] { border-radius: 12px; padding: %1px; }\n").arg(gap);
    for (const ColourRule &rule : colourRules()) {
        sheet += QStringLiteral("%1 { color: %2; background-color: %3; %4 }\n")
                     .arg(rule.selector, css(rule.text), css(rule.background), rule.declarations);
    }
    return sheet;
}

void KioskStyle::apply(QWidget *window)
{
    const KioskMetrics metrics(window->screen());
    QFont base = font();
    base.setPixelSize(metrics.textPixelSize(base));
    window->setFont(base);
    window->setStyleSheet(styleSheet(metrics));
}
