#include "ui/kiosk/kioskmetrics.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QScreen>

#include <algorithm>
#include <cmath>

KioskMetrics::KioskMetrics(double logicalDpi, double devicePixelRatio)
    : m_logicalDpi(logicalDpi > 0 ? logicalDpi : AssumedLogicalDpiWhenUnknown)
    , m_devicePixelRatio(devicePixelRatio > 0 ? devicePixelRatio : 1)
{ }

KioskMetrics::KioskMetrics(const QScreen *screen)
{
    if (!screen)
        screen = QGuiApplication::primaryScreen();
    if (!screen) {
        m_logicalDpi = AssumedLogicalDpiWhenUnknown;
        return;
    }
    m_devicePixelRatio = screen->devicePixelRatio() > 0 ? screen->devicePixelRatio() : 1;
    bool stated = false;
    const double panelDpi = qEnvironmentVariable(PanelDpiVariable).toDouble(&stated);
    if (stated && panelDpi >= 50 && panelDpi <= 1000) {
        m_logicalDpi = panelDpi / m_devicePixelRatio;
        return;
    }
    // Width and height each give a density; the larger one decides, so a
    // target is 9 mm in both directions.
    const QSizeF mm = screen->physicalSize();
    const QSize logical = screen->geometry().size();
    if (mm.width() > 1 && mm.height() > 1 && !logical.isEmpty()) {
        m_logicalDpi
            = std::max(logical.width() / (mm.width() / 25.4), logical.height() / (mm.height() / 25.4));
    } else {
        m_logicalDpi = AssumedLogicalDpiWhenUnknown;
    }
}

KioskMetrics KioskMetrics::fromPanel(double devicePixelsPerInch, double devicePixelRatio)
{
    const double ratio = devicePixelRatio > 0 ? devicePixelRatio : 1;
    return KioskMetrics(devicePixelsPerInch / ratio, ratio);
}

int KioskMetrics::targetPixels() const
{
    return std::max(MinimumTargetPixelsAt96Dpi, int(std::ceil(pixelsForMm(MinimumTargetMm))));
}

int KioskMetrics::gapPixels() const
{
    return std::max(MinimumGapPixelsAt96Dpi, int(std::ceil(pixelsForMm(MinimumGapMm))));
}

int KioskMetrics::pixelSizeForCapHeight(const QFont &font, double capHeightPixels) const
{
    // The family's own proportion of capital to em, measured large, gives
    // a first guess; then the smallest whole pixel size whose capitals, as
    // Qt measures them at that size (hinting rounds them), are tall enough.
    QFont probe(font);
    auto capAt = [&probe](int pixelSize) {
        probe.setPixelSize(pixelSize);
        return QFontMetricsF(probe).capHeight();
    };
    const double capPerEm = capAt(1000) / 1000.0;
    int pixelSize = std::max(1, int(std::ceil(capHeightPixels / (capPerEm > 0.3 ? capPerEm : 0.6))));
    while (pixelSize > 1 && capAt(pixelSize - 1) >= capHeightPixels)
        --pixelSize;
    while (pixelSize < 4096 && capAt(pixelSize) < capHeightPixels)
        ++pixelSize;
    return pixelSize;
}

int KioskMetrics::textPixelSize(const QFont &font) const
{
    return pixelSizeForCapHeight(font, minimumCapHeightPixels());
}

int KioskMetrics::headingPixelSize(const QFont &font) const
{
    return pixelSizeForCapHeight(font, 1.6 * minimumCapHeightPixels());
}
