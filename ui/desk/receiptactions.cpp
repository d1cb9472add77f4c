#include "ui/desk/receiptactions.h"

#include "db/payments/paymentrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"
#include "ui/common/receiptdocument.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QPrintDialog>
#include <QPrintPreviewDialog>
#include <QScreen>
#include <QPrinter>
#include <QStandardPaths>

ReceiptActions::ReceiptActions(ConnectionPool &pool, QWidget *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_parent(parent)
{ }

template<typename Fn> void ReceiptActions::withReceipt(qint64 bookingId, Fn &&fn)
{
    ++m_busy;
    Q_EMIT started();
    auto loaded
        = m_pool.withRetry(QStringLiteral("receipt.load"), RetryPolicy::standard(),
                           [bookingId](QSqlDatabase &db) { return PaymentRepo(db).receipt(bookingId); });
    Async::onResult(loaded, this, [this, fn = std::forward<Fn>(fn)](const DbResult<Receipt> &result) {
        --m_busy;
        if (!result.ok()) {
            Q_EMIT finished(false, tr("The receipt could not be made: %1").arg(result.error().message()));
            return;
        }
        fn(ReceiptDocument(result.value()));
    });
}

void ReceiptActions::askAndSavePdf(qint64 bookingId)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(
        m_parent, tr("Save receipt as PDF"), QDir(folder).filePath(tr("receipt-%1.pdf").arg(bookingId)),
        tr("PDF files (*.pdf)"));
    if (!path.isEmpty())
        savePdf(bookingId, path);
}

void ReceiptActions::savePdf(qint64 bookingId, const QString &path)
{
    withReceipt(bookingId, [this, path](const ReceiptDocument &document) {
        QString error;
        if (!document.writePdf(path, &error)) {
            Q_EMIT finished(false, error);
            return;
        }
        Q_EMIT finished(true, tr("Receipt saved as %1.").arg(QDir::toNativeSeparators(path)));
    });
}

void ReceiptActions::askAndPrint(qint64 bookingId)
{
    // The receipt first, as it will come out; the preview's own Print
    // button then asks which printer.
    withReceipt(bookingId, [this](const ReceiptDocument &document) {
        auto printer = std::make_shared<QPrinter>(QPrinter::HighResolution);
        printer->setDocName(tr("Receipt %1").arg(document.receipt().code));
        const double mm = ReceiptDocument::MarginMm;
        printer->setPageLayout(QPageLayout(QPageSize(QSizeF(ReceiptDocument::PaperWidthMm, 200), QPageSize::Millimeter),
                                           QPageLayout::Portrait, QMarginsF(mm, mm, mm, mm), QPageLayout::Millimeter));
        auto *preview = new QPrintPreviewDialog(printer.get(), m_parent);
        preview->setObjectName(QStringLiteral("receiptPreview"));
        preview->setAttribute(Qt::WA_DeleteOnClose);
        preview->setWindowTitle(tr("Receipt %1").arg(document.receipt().code));
        // The connection keeps the printer alive as long as the preview.
        connect(preview, &QPrintPreviewDialog::paintRequested, preview,
                [document, printer](QPrinter *target) { document.print(target); });
        connect(preview, &QDialog::accepted, this, [this, printer] {
            Q_EMIT finished(true, tr("Receipt sent to %1.")
                                      .arg(printer->outputFileName().isEmpty() ? printer->printerName()
                                                                               : printer->outputFileName()));
        });
        preview->resize(QSize(520, 720).boundedTo(preview->screen()->availableGeometry().size()));
        preview->open();
        Q_EMIT previewOpened(preview);
        Q_EMIT finished(true, QString());
    });
}

void ReceiptActions::print(qint64 bookingId, std::shared_ptr<QPrinter> printer)
{
    withReceipt(bookingId, [this, printer](const ReceiptDocument &document) {
        QString error;
        if (!document.print(printer.get(), &error)) {
            Q_EMIT finished(false, error);
            return;
        }
        Q_EMIT finished(true,
                        tr("Receipt sent to %1.")
                            .arg(printer->outputFileName().isEmpty() ? printer->printerName()
                                                                     : printer->outputFileName()));
    });
}
