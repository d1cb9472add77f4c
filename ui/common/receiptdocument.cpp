#include "ui/common/receiptdocument.h"

#include "db/text/bookingwords.h"
#include "db/text/displaylocale.h"
#include "db/text/money.h"
#include "qrcode/qrcodeimage.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPrinter>

#include <cmath>

namespace {

constexpr double QrSideMm = 30.0;
constexpr double GapMm = 2.0;
constexpr int PlainWidth = 42; // characters per line of toPlainText()
// A PDF's resolution: fine enough that the QR code's modules are whole
// device pixels of a fraction of a millimetre.
constexpr int PdfDpi = 600;

double pxPerMm(const QPaintDevice *device)
{
    return device->logicalDpiY() / 25.4;
}

QFont receiptFont(double pointSize, bool bold = false)
{
    // DejaVu Sans ships with the desk's packages and has every script the
    // translations use; the family falls back where it is missing.
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setStyleHint(QFont::SansSerif);
    font.setPointSizeF(pointSize);
    font.setBold(bold);
    return font;
}

} // namespace

ReceiptDocument::ReceiptDocument(Receipt receipt)
    : m_receipt(std::move(receipt))
{ }

QImage ReceiptDocument::qrImage() const
{
    return QrCodeImage::render(m_receipt.code, 1);
}

QList<ReceiptDocument::Row> ReceiptDocument::rows() const
{
    using K = Row::Kind;
    const Receipt &r = m_receipt;
    const QLocale locale = DisplayLocale::get();
    auto money = [&r](qint64 cents) { return Money::format(cents, r.currency); };
    auto when = [&locale, &r](const QDateTime &t) {
        return locale.toString(t.toTimeZone(r.timeZone), QLocale::ShortFormat);
    };

    QList<Row> out;
    out.append({K::Title, r.siteName.isEmpty() ? tr("Car wash") : r.siteName, {}});
    for (const QString &line : r.siteAddress.split(u'\n', Qt::SkipEmptyParts))
        out.append({K::Centered, line.trimmed(), {}});
    out.append({K::Space, {}, {}});
    out.append({K::Strong, tr("Receipt"), {}});
    out.append({K::Pair, tr("Booking"), r.code});
    const QDateTime start = r.start.toTimeZone(r.timeZone);
    const QDateTime end = r.end.toTimeZone(r.timeZone);
    out.append({K::Pair, tr("Date"), locale.toString(start.date(), QLocale::ShortFormat)});
    out.append({K::Pair, tr("Time"),
                tr("%1–%2").arg(locale.toString(start.time(), QLocale::ShortFormat),
                                locale.toString(end.time(), QLocale::ShortFormat))});
    out.append({K::Pair, tr("Bay"), r.bayName});
    out.append(
        {K::Pair, tr("Vehicle"), tr("%1, %2").arg(BookingWords::vehicleClass(r.vehicleClass), r.plate)});
    if (!r.customerName.isEmpty())
        out.append({K::Pair, tr("Customer"), BookingWords::customerName(r.customerName)});
    out.append({K::Rule, {}, {}});

    out.append({K::Pair, r.service.name, money(r.service.amountCents)});
    for (const Receipt::Line &addon : r.addons)
        out.append({K::Pair, tr("+ %1").arg(addon.name), money(addon.amountCents)});
    out.append({K::Rule, {}, {}});

    const QString rate = BookingWords::taxRate(r.taxRateBasisPoints);
    if (r.pricesIncludeTax) {
        out.append({K::Pair, tr("Subtotal"), money(r.itemsCents())});
        out.append({K::Strong, tr("Total"), money(r.amounts.totalCents)});
        out.append({K::Pair, tr("Included tax (%1)").arg(rate), money(r.amounts.taxCents)});
        out.append({K::Pair, tr("Net"), money(r.amounts.netCents)});
    } else {
        out.append({K::Pair, tr("Subtotal"), money(r.amounts.netCents)});
        out.append({K::Pair, tr("Tax (%1)").arg(rate), money(r.amounts.taxCents)});
        out.append({K::Strong, tr("Total"), money(r.amounts.totalCents)});
    }
    out.append({K::Rule, {}, {}});

    for (const Payment &p : r.payments) {
        out.append(
            {K::Pair, tr("Paid: %1").arg(BookingWords::paymentMethod(p.method)), money(p.amountCents)});
        if (p.tenderedCents) {
            out.append({K::Pair, tr("Tendered"), money(*p.tenderedCents)});
            out.append({K::Pair, tr("Change"), money(p.changeCents())});
        }
        if (p.paidAt.isValid())
            out.append({K::Pair, tr("Paid at"), when(p.paidAt)});
    }
    if (r.dueCents() > 0)
        out.append({K::Strong, tr("Amount due"), money(r.dueCents())});
    if (!r.servedBy.isEmpty())
        out.append({K::Pair, tr("Served by"), r.servedBy});
    out.append({K::Space, {}, {}});

    out.append({K::Centered, tr("Confirmation code"), {}});
    out.append({K::Code, r.code, {}});
    out.append({K::Qr, r.code, {}});
    out.append({K::Centered, tr("Issued %1").arg(when(r.issuedAt)), {}});
    out.append({K::Centered, tr("Thank you for your visit!"), {}});
    return out;
}

QString ReceiptDocument::toPlainText() const
{
    QStringList lines;
    for (const Row &row : rows()) {
        switch (row.kind) {
        case Row::Kind::Title:
        case Row::Kind::Centered:
        case Row::Kind::Code: {
            const int pad = qMax(0, int(PlainWidth - row.left.size()) / 2);
            lines << QString(pad, u' ') + row.left;
            break;
        }
        case Row::Kind::Pair:
        case Row::Kind::Strong: {
            const int pad = qMax(1, int(PlainWidth - row.left.size() - row.right.size()));
            lines << (row.right.isEmpty() ? row.left : row.left + QString(pad, u' ') + row.right);
            break;
        }
        case Row::Kind::Rule:
            lines << QString(PlainWidth, u'-');
            break;
        case Row::Kind::Space:
            lines << QString();
            break;
        case Row::Kind::Qr:
            lines << tr("[QR code: %1]").arg(row.left);
            break;
        }
    }
    return lines.join(u'\n') + u'\n';
}

namespace {

struct RowPainter
{
    QPaintDevice *device = nullptr;
    QPainter *painter = nullptr; // null: measure only
    double width = 0; // device pixels
};

// Lays out (and with a painter, paints) one row at y; its height in device
// pixels. Shared by measuring and painting so they never disagree.
double layoutRow(const RowPainter &rp, const ReceiptDocument::Row &row, double y, const QImage &qr)
{
    using K = ReceiptDocument::Row::Kind;
    const K kind = row.kind;
    const QString &left = row.left;
    const QString &right = row.right;
    const double mm = pxPerMm(rp.device);
    QPainter *p = rp.painter;
    auto textBlock = [&](const QFont &font, const QString &text, int align, double x, double w) {
        const QFontMetricsF fm(font, rp.device);
        const QRectF box(x, y, w, 1e6);
        const QRectF used = fm.boundingRect(box, int(align | Qt::TextWordWrap), text);
        if (p) {
            p->setFont(font);
            p->drawText(QRectF(x, y, w, used.height()), int(align | Qt::TextWordWrap), text);
        }
        return used.height();
    };
    switch (kind) {
    case K::Title:
        return textBlock(receiptFont(12, true), left, Qt::AlignHCenter, 0, rp.width) + 0.5 * mm;
    case K::Centered:
        return textBlock(receiptFont(8), left, Qt::AlignHCenter, 0, rp.width);
    case K::Code:
        return textBlock(receiptFont(20, true), left, Qt::AlignHCenter, 0, rp.width);
    case K::Pair:
    case K::Strong: {
        const QFont font = receiptFont(kind == K::Strong ? 10 : 8, kind == K::Strong);
        const QFontMetricsF fm(font, rp.device);
        const double rightWidth = right.isEmpty() ? 0 : fm.horizontalAdvance(right) + 1;
        const double leftWidth = rp.width - rightWidth - (right.isEmpty() ? 0 : GapMm * mm);
        const double h = textBlock(font, left, Qt::AlignLeft, 0, qMax(leftWidth, rp.width / 3));
        if (!right.isEmpty() && p)
            p->drawText(QRectF(rp.width - rightWidth, y, rightWidth, fm.height()), Qt::AlignRight, right);
        return qMax(h, fm.height());
    }
    case K::Rule:
        if (p) {
            p->setPen(QPen(Qt::black, 0.2 * mm, Qt::DashLine));
            p->drawLine(QPointF(0, y + 1.5 * mm), QPointF(rp.width, y + 1.5 * mm));
            p->setPen(Qt::black);
        }
        return 3 * mm;
    case K::Space:
        return 2 * mm;
    case K::Qr: {
        // Whole device pixels per module: the image is drawn unscaled, so
        // every edge stays sharp whatever the resolution.
        const int modules = qr.width(); // rendered at one pixel per module
        const int modulePx = qMax(1, int(std::floor(QrSideMm * mm / qMax(1, modules))));
        const int side = modules * modulePx;
        if (p && !qr.isNull()) {
            const QImage scaled = qr.scaled(side, side, Qt::IgnoreAspectRatio, Qt::FastTransformation);
            p->setRenderHint(QPainter::SmoothPixmapTransform, false);
            p->drawImage(QPointF(std::round((rp.width - side) / 2), std::round(y + mm)), scaled);
        }
        return side + 2 * mm;
    }
    }
    return 0;
}

} // namespace

double ReceiptDocument::heightMm(QPagedPaintDevice *device) const
{
    const double mm = pxPerMm(device);
    RowPainter rp {device, nullptr, (PaperWidthMm - 2 * MarginMm) * device->logicalDpiX() / 25.4};
    const QImage qr = qrImage();
    double y = 0;
    for (const Row &row : rows())
        y += layoutRow(rp, row, y, qr);
    return y / mm;
}

int ReceiptDocument::render(QPagedPaintDevice *device) const
{
    QPainter painter;
    if (!painter.begin(device))
        return 0;
    painter.setPen(Qt::black);
    const double widthPx
        = qMin<double>(device->width(), (PaperWidthMm - 2 * MarginMm) * device->logicalDpiX() / 25.4);
    RowPainter rp {device, &painter, widthPx};
    RowPainter measure {device, nullptr, widthPx};
    const QImage qr = qrImage();
    const double pageHeight = device->height();
    double y = 0;
    int pages = 1;
    for (const Row &row : rows()) {
        const double h = layoutRow(measure, row, y, qr);
        if (y > 0 && y + h > pageHeight) {
            device->newPage();
            ++pages;
            y = 0;
        }
        layoutRow(rp, row, y, qr);
        y += h;
    }
    painter.end();
    return pages;
}

bool ReceiptDocument::writePdf(const QString &path, QString *error) const
{
    QPdfWriter writer(path);
    writer.setResolution(PdfDpi);
    writer.setCreator(QCoreApplication::applicationName());
    writer.setTitle(tr("Receipt %1").arg(m_receipt.code));
    // A roll: 80 mm wide and as long as the receipt.
    const double height = heightMm(&writer) + 2 * MarginMm + 1;
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(PaperWidthMm, height), QPageSize::Millimeter),
                                     QPageLayout::Portrait, QMarginsF(MarginMm, MarginMm, MarginMm, MarginMm),
                                     QPageLayout::Millimeter));
    if (render(&writer) == 0) {
        if (error)
            *error = tr("The receipt could not be written to %1.").arg(QFileInfo(path).fileName());
        return false;
    }
    return true;
}

bool ReceiptDocument::print(QPrinter *printer, QString *error) const
{
    if (render(printer) == 0 || printer->printerState() == QPrinter::Error) {
        if (error)
            *error = tr("The receipt could not be printed on %1.").arg(printer->printerName());
        return false;
    }
    return true;
}
