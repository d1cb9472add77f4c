#include "qrcode/qrcodeimage.h"

#include <qrencode.h>

#include <memory>

QrCodeImage::Symbol QrCodeImage::encode(const QString &text)
{
    Symbol symbol;
    const QByteArray utf8 = text.toUtf8();
    if (utf8.isEmpty())
        return symbol;
    // Version 0: the smallest that holds the text; 8-bit mode, case kept.
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return symbol;
    symbol.version = code->version;
    symbol.width = code->width;
    symbol.modules.reserve(qsizetype(code->width) * code->width);
    // libqrencode: bit 0 of each byte is the module's colour (1 = dark).
    for (int i = 0; i < code->width * code->width; ++i)
        symbol.modules.append((code->data[i] & 1) != 0);
    return symbol;
}

QImage QrCodeImage::render(const QString &text, int moduleSize)
{
    return render(encode(text), moduleSize);
}

QImage QrCodeImage::render(const Symbol &symbol, int moduleSize)
{
    if (symbol.isNull() || moduleSize < 1)
        return {};
    const int side = (symbol.width + 2 * QuietZoneModules) * moduleSize;
    QImage image(side, side, QImage::Format_Grayscale8);
    image.fill(Qt::white);
    // Whole pixels per module, set directly: no scaling, so no blur.
    for (int y = 0; y < symbol.width; ++y) {
        for (int x = 0; x < symbol.width; ++x) {
            if (!symbol.dark(x, y))
                continue;
            const int left = (x + QuietZoneModules) * moduleSize;
            const int top = (y + QuietZoneModules) * moduleSize;
            for (int row = top; row < top + moduleSize; ++row)
                memset(image.scanLine(row) + left, 0, size_t(moduleSize));
        }
    }
    return image;
}
