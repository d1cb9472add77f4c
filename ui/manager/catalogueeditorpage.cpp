#include "ui/manager/catalogueeditorpage.h"

#include "db/pool/async.h"
#include "ui/common/busyindicator.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

CatalogueEditorPage::CatalogueEditorPage(ConnectionPool &pool, const StaffMember &manager,
                                         ErrorBanner &banner, QWidget *parent)
    : SiteSetupPage(pool, manager, banner, parent)
{
    m_table = new QTableWidget(this);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    connect(m_table, &QTableWidget::currentCellChanged, this, [this](int row, int, int previousRow, int) {
        if (m_filling || row == previousRow)
            return;
        m_editingId = row >= 0 && row < rowCount() ? rowId(row) : 0;
        showCurrent();
    });
    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
}

void CatalogueEditorPage::setUpLayout(const QStringList &headers, const QString &noun)
{
    m_noun = noun;
    m_table->setObjectName(objectName() + QStringLiteral("Table"));
    m_table->setAccessibleName(noun);
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);

    m_new = new QPushButton(tr("&New"), this);
    m_new->setObjectName(objectName() + QStringLiteral("New"));
    m_new->setAccessibleName(tr("New: %1").arg(noun));
    m_new->setAutoDefault(false);
    connect(m_new, &QPushButton::clicked, this, &CatalogueEditorPage::newRow);
    m_save = new QPushButton(tr("&Save"), this);
    m_save->setObjectName(objectName() + QStringLiteral("Save"));
    m_save->setAccessibleName(tr("Save: %1").arg(noun));
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &CatalogueEditorPage::save);
    m_remove = new QPushButton(tr("&Remove…"), this);
    m_remove->setObjectName(objectName() + QStringLiteral("Remove"));
    m_remove->setAccessibleName(tr("Remove or deactivate: %1").arg(noun));
    m_remove->setAutoDefault(false);
    connect(m_remove, &QPushButton::clicked, this, &CatalogueEditorPage::removeSelected);
    statusLabel()->setObjectName(objectName() + QStringLiteral("Status"));

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_save);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    buttons->addWidget(busyIndicator());
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addLayout(m_form);
    layout->addWidget(statusLabel());
    layout->addLayout(buttons);

    // Tab order: the table, the form's editors in order, the buttons.
    QWidget *previous = m_table;
    for (int i = 0; i < m_form->rowCount(); ++i) {
        QLayoutItem *item = m_form->itemAt(i, QFormLayout::FieldRole);
        QWidget *editor = nullptr;
        if (item && item->layout() && item->layout()->count() > 0)
            editor = item->layout()->itemAt(0)->widget();
        else if (item)
            editor = item->widget();
        if (editor && editor->focusPolicy() != Qt::NoFocus) {
            setTabOrder(previous, editor);
            previous = editor;
        }
    }
    setTabOrder(previous, m_save);
    setTabOrder(m_save, m_new);
    setTabOrder(m_new, m_remove);
    connect(this, &SiteSetupPage::busyChanged, this, [this](bool busy) {
        m_new->setEnabled(!busy);
        m_save->setEnabled(!busy);
        m_remove->setEnabled(!busy && m_editingId != 0);
    });
    m_remove->setEnabled(false);
}

void CatalogueEditorPage::addField(const QString &label, QWidget *editor, const QString &field)
{
    auto *column = new QVBoxLayout;
    column->setSpacing(2);
    column->addWidget(editor);
    column->addWidget(fieldErrorLabel(field));
    if (label.isEmpty()) {
        m_form->addRow(QString(), column);
        return;
    }
    auto *text = new QLabel(label, this);
    text->setBuddy(editor);
    m_form->addRow(text, column);
}

void CatalogueEditorPage::markDirty()
{
    if (!m_filling)
        m_dirty = true;
}

void CatalogueEditorPage::setCatalogue(const Catalogue &catalogue)
{
    m_catalogue = catalogue;
    catalogueChanged();
    if (m_selectAfterReload != 0) {
        m_editingId = m_selectAfterReload;
        m_selectAfterReload = 0;
        m_dirty = false;
    }
    refreshTable();
    if (!m_dirty)
        showCurrent();
}

void CatalogueEditorPage::refreshTable()
{
    m_filling = true;
    m_table->setRowCount(0);
    m_table->setRowCount(rowCount());
    int current = -1;
    for (int row = 0; row < rowCount(); ++row) {
        const QStringList texts = rowTexts(row);
        for (int column = 0; column < texts.size() && column < m_table->columnCount(); ++column) {
            auto *item = new QTableWidgetItem(texts.at(column));
            if (!rowActive(row)) {
                item->setForeground(m_table->palette().brush(QPalette::Disabled, QPalette::Text));
                QFont italic = item->font();
                italic.setItalic(true);
                item->setFont(italic);
            }
            m_table->setItem(row, column, item);
        }
        if (rowId(row) == m_editingId)
            current = row;
    }
    m_table->resizeColumnsToContents();
    if (current >= 0)
        m_table->setCurrentCell(current, 0);
    else
        m_table->clearSelection();
    if (current < 0 && m_editingId != 0) {
        m_editingId = 0; // gone (another desk deleted it)
        m_dirty = false;
    }
    m_filling = false;
}

void CatalogueEditorPage::showCurrent()
{
    int row = -1;
    for (int i = 0; i < rowCount(); ++i) {
        if (rowId(i) == m_editingId && m_editingId != 0)
            row = i;
    }
    m_filling = true;
    clearFieldErrors();
    showRow(row);
    m_filling = false;
    m_dirty = false;
    if (m_remove)
        m_remove->setEnabled(row >= 0 && !isBusy());
}

bool CatalogueEditorPage::selectId(qint64 id)
{
    for (int row = 0; row < rowCount(); ++row) {
        if (rowId(row) == id) {
            m_table->setCurrentCell(row, 0);
            m_editingId = id;
            showCurrent();
            return true;
        }
    }
    return false;
}

void CatalogueEditorPage::setLoading(bool loading)
{
    if (loading == m_loading)
        return;
    m_loading = loading;
    if (loading)
        startBusy(tr("Loading…"));
    else
        stopBusy();
}

void CatalogueEditorPage::newRow()
{
    m_filling = true;
    m_table->clearSelection();
    m_table->setCurrentCell(-1, -1);
    m_filling = false;
    m_editingId = 0;
    showCurrent();
    showStatus(tr("New entry: fill in the form and press Save."));
}

void CatalogueEditorPage::save()
{
    if (isBusy())
        return;
    QList<FieldError> errors;
    const qint64 id = m_editingId;
    std::optional<QFuture<DbResult<SaveOutcome>>> future = startSave(id, errors);
    if (!future) {
        showFieldErrors(errors);
        return;
    }
    clearFieldErrors();
    startBusy(tr("Saving…"));
    const int request = nextRequest();
    Async::onResult(*future, this, [this, request](const DbResult<SaveOutcome> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        handleOutcome(result, tr("Not saved."), [this] { save(); });
    });
}

void CatalogueEditorPage::handleOutcome(const DbResult<SaveOutcome> &result, const QString &failure,
                                        std::function<void()> retry)
{
    if (!result.ok()) {
        // The form keeps what was typed; Retry sends it again.
        showFailure(failure, result.error(), std::move(retry));
        return;
    }
    clearFailure();
    if (!result->ok()) {
        showFieldErrors(result->errors);
        return;
    }
    m_dirty = false;
    m_selectAfterReload = result->id;
    showSaved(result->note.isEmpty() ? tr("Saved.") : tr("Saved. %1").arg(result->note));
    Q_EMIT changed();
    Q_EMIT reloadRequested();
}

QMessageBox *CatalogueEditorPage::removeSelected()
{
    int row = -1;
    for (int i = 0; i < rowCount(); ++i) {
        if (rowId(i) == m_editingId && m_editingId != 0)
            row = i;
    }
    if (row < 0 || isBusy())
        return nullptr;
    const qint64 id = m_editingId;
    const QString name = rowName(row);
    const int bookings = rowBookings(row);
    const QString question = bookings > 0 ? tr("%1 is on %n booking(s), so it will be deactivated rather "
                                               "than deleted: it is no longer offered, "
                                               "and those bookings keep it. Go ahead?",
                                               nullptr, bookings)
                                                .arg(name)
                                          : tr("Delete %1? No booking refers to it.").arg(name);
    auto *box = new QMessageBox(QMessageBox::Question, bookings > 0 ? tr("Deactivate") : tr("Delete"),
                                question, QMessageBox::Yes | QMessageBox::No, this);
    box->setObjectName(QStringLiteral("confirmRemove"));
    box->setDefaultButton(QMessageBox::No);
    box->button(QMessageBox::Yes)->setText(bookings > 0 ? tr("&Deactivate") : tr("&Delete"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, id, name](int) {
        if (box->clickedButton() == box->button(QMessageBox::Yes))
            remove(id, name);
    });
    box->open();
    return box;
}

void CatalogueEditorPage::remove(qint64 id, const QString &name)
{
    startBusy(tr("Removing…"));
    const int request = nextRequest();
    Async::onResult(startRemove(id), this, [this, request, id, name](const DbResult<SaveOutcome> &result) {
        stopBusy();
        if (!isLatest(request))
            return;
        handleOutcome(result, tr("%1 was not removed.").arg(name), [this, id, name] { remove(id, name); });
    });
}
