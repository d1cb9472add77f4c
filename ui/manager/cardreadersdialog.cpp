#include "ui/manager/cardreadersdialog.h"

#include "db/health/processhealthrepo.h"
#include "db/payments/readerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>

namespace {

enum Column { IdColumn, LabelColumn, AssignedColumn };

// The desk program's name in process_health (ProcessIdentity::program);
// its host is the desk's name, as CardPaymentDialog::deskName() gives it.
const QString DeskProgram = QStringLiteral("carwash");

QPushButton *button(const QString &text, const QString &name, const QString &accessible, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAccessibleName(accessible);
    b->setAutoDefault(false);
    return b;
}

} // namespace

CardReadersDialog::CardReadersDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent)
    : ManagerListDialog(QStringLiteral("readers"), parent)
    , m_pool(pool)
    , m_manager(manager)
    , m_thisDesk(ProcessIdentity::current(DeskProgram).host)
{
    setObjectName(QStringLiteral("cardReadersDialog"));
    setWindowTitle(tr("Card readers"));
    m_list = list();
    m_list->setObjectName(QStringLiteral("cardReaderList"));
    m_list->setAccessibleName(tr("Card readers"));
    m_list->setHeaderLabels({tr("Reader"), tr("Label"), tr("Assigned to")});
    m_list->header()->setSectionResizeMode(IdColumn, QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(LabelColumn, QHeaderView::Stretch);
    m_list->header()->setSectionResizeMode(AssignedColumn, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::currentItemChanged, this, &CardReadersDialog::updateButtons);

    // Adding: the id from Stripe's dashboard and a label people know it by.
    auto *idLabel = new QLabel(tr("Reader &ID:"), this);
    m_id = new QLineEdit(this);
    m_id->setObjectName(QStringLiteral("readerIdField"));
    m_id->setAccessibleName(tr("New reader's ID"));
    m_id->setPlaceholderText(QStringLiteral("tmr_FDOt2wlRZEdpd7"));
    idLabel->setBuddy(m_id);
    auto *labelLabel = new QLabel(tr("&Label:"), this);
    m_label = new QLineEdit(this);
    m_label->setObjectName(QStringLiteral("readerLabelField"));
    m_label->setAccessibleName(tr("New reader's label"));
    m_label->setPlaceholderText(tr("Front desk reader"));
    labelLabel->setBuddy(m_label);
    m_add = button(tr("&Add reader"), QStringLiteral("addReaderButton"), tr("Add the reader"), this);
    connect(m_add, &QPushButton::clicked, this, &CardReadersDialog::addReader);
    connect(m_id, &QLineEdit::returnPressed, this, &CardReadersDialog::addReader);
    connect(m_label, &QLineEdit::returnPressed, this, &CardReadersDialog::addReader);

    // Assigning the selected reader: to a desk or a kiosk, by name.
    auto *kindLabel = new QLabel(tr("Assign &to:"), this);
    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("readerKindField"));
    m_kind->setAccessibleName(tr("Assign the reader to a desk or a kiosk"));
    m_kind->addItem(tr("Desk"), QStringLiteral("desk"));
    m_kind->addItem(tr("Kiosk"), QStringLiteral("kiosk"));
    kindLabel->setBuddy(m_kind);
    auto *deviceLabel = new QLabel(tr("&Name:"), this);
    m_device = new QComboBox(this);
    m_device->setObjectName(QStringLiteral("readerDeviceField"));
    m_device->setAccessibleName(tr("Name of the desk or kiosk"));
    m_device->setEditable(true);
    m_device->setInsertPolicy(QComboBox::NoInsert);
    m_device->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_device->setMinimumContentsLength(18);
    deviceLabel->setBuddy(m_device);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &CardReadersDialog::fillDevices);
    connect(m_device->lineEdit(), &QLineEdit::returnPressed, this, &CardReadersDialog::assignSelected);
    m_assign = button(tr("A&ssign"), QStringLiteral("assignReaderButton"),
                      tr("Assign the selected reader to that desk or kiosk"), this);
    connect(m_assign, &QPushButton::clicked, this, &CardReadersDialog::assignSelected);
    m_unassign = button(tr("&Unassign"), QStringLiteral("unassignReaderButton"),
                        tr("Unassign the selected reader from its desk or kiosk"), this);
    connect(m_unassign, &QPushButton::clicked, this, &CardReadersDialog::unassignSelected);
    m_remove = button(tr("Re&move reader"), QStringLiteral("removeReaderButton"),
                      tr("Remove the selected reader"), this);
    connect(m_remove, &QPushButton::clicked, this, &CardReadersDialog::removeSelected);

    status()->setObjectName(QStringLiteral("cardReadersStatus"));

    auto *adding = new QHBoxLayout;
    adding->addWidget(idLabel);
    adding->addWidget(m_id, 2);
    adding->addWidget(labelLabel);
    adding->addWidget(m_label, 3);
    adding->addWidget(m_add);
    auto *assigning = new QHBoxLayout;
    assigning->addWidget(kindLabel);
    assigning->addWidget(m_kind);
    assigning->addWidget(deviceLabel);
    assigning->addWidget(m_device, 1);
    assigning->addWidget(m_assign);
    assigning->addWidget(m_unassign);
    assigning->addStretch(1);
    assigning->addWidget(m_remove);
    layOut(tr("The Stripe Terminal readers registered in Stripe's dashboard. Each desk "
              "and kiosk takes card payments on the one reader assigned to it."),
           new QLabel(tr("Rea&ders:"), this), {assigning, adding}, 112);
    setTabOrder(m_list, m_kind);
    setTabOrder(m_kind, m_device);
    setTabOrder(m_device, m_assign);
    setTabOrder(m_assign, m_unassign);
    setTabOrder(m_unassign, m_remove);
    setTabOrder(m_remove, m_id);
    setTabOrder(m_id, m_label);
    setTabOrder(m_label, m_add);
    fillDevices();
    updateButtons();
    reload();
}

void CardReadersDialog::reload()
{
    loadStarted();
    auto all
        = m_pool.withRetry(QStringLiteral("readers.list"), RetryPolicy::standard(), [](QSqlDatabase &db) {
              Loaded loaded;
              loaded.readers = ReaderRepo(db).list();
              const QList<ProcessHealthEntry> processes = ProcessHealthRepo(db).list(
                  ProcessHealthRepo::StaleAfterSeconds, ProcessHealthRepo::ListForSeconds);
              for (const ProcessHealthEntry &entry : processes) {
                  if (entry.process.program == DeskProgram && !loaded.desks.contains(entry.process.host))
                      loaded.desks << entry.process.host;
              }
              return loaded;
          });
    Async::onResult(all, this, [this](const DbResult<Loaded> &result) {
        if (!loadFinished(result, tr("The card readers could not be loaded.")))
            return;
        const std::optional<CardReader> before = selected();
        m_desks = {m_thisDesk};
        for (const QString &desk : result->desks) {
            if (!m_desks.contains(desk))
                m_desks << desk;
        }
        for (const CardReader &reader : result->readers) {
            if (reader.assignedKind == u"desk" && !m_desks.contains(reader.assignedTo))
                m_desks << reader.assignedTo;
        }
        const QString select = !m_selectAfterLoad.isEmpty() ? m_selectAfterLoad
            : before                                        ? before->id
                                                            : QString();
        m_selectAfterLoad.clear();
        showReaders(result->readers, select);
        fillDevices();
        updateButtons();
        Q_EMIT loaded();
    });
}

void CardReadersDialog::showReaders(const QList<CardReader> &readers, const QString &select)
{
    m_readers = readers;
    m_list->clear();
    for (const CardReader &reader : readers) {
        QString assigned = tr("Not assigned");
        if (reader.assignedKind == u"kiosk")
            assigned = tr("Kiosk \"%1\"").arg(reader.assignedTo);
        else if (reader.assignedKind == u"desk")
            assigned = reader.assignedTo == m_thisDesk ? tr("Desk \"%1\" (this desk)").arg(reader.assignedTo)
                                                       : tr("Desk \"%1\"").arg(reader.assignedTo);
        auto *item = new QTreeWidgetItem(m_list, {reader.id, reader.label, assigned});
        item->setData(IdColumn, Qt::UserRole, reader.id);
        if (reader.id == select || !m_list->currentItem())
            m_list->setCurrentItem(item);
    }
}

void CardReadersDialog::fillDevices()
{
    // What was typed stays; the list offers the names known for that kind.
    const QString typed = m_device->currentText();
    const bool desk = m_kind->currentData().toString() == u"desk";
    QStringList names;
    if (desk) {
        names = m_desks.isEmpty() ? QStringList {m_thisDesk} : m_desks;
    } else {
        for (const CardReader &reader : std::as_const(m_readers)) {
            if (reader.assignedKind == u"kiosk" && !names.contains(reader.assignedTo))
                names << reader.assignedTo;
        }
    }
    m_device->clear();
    for (const QString &name : std::as_const(names))
        m_device->addItem(desk && name == m_thisDesk ? tr("%1 (this desk)").arg(name) : name, name);
    if (!typed.isEmpty() && m_device->findText(typed) < 0)
        m_device->setEditText(typed);
    else if (!typed.isEmpty())
        m_device->setCurrentIndex(m_device->findText(typed));
}

QString CardReadersDialog::chosenDevice() const
{
    const int index = m_device->currentIndex();
    if (index >= 0 && m_device->currentText() == m_device->itemText(index))
        return m_device->itemData(index).toString();
    return m_device->currentText().trimmed();
}

std::optional<CardReader> CardReadersDialog::selected() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return std::nullopt;
    const QString id = item->data(IdColumn, Qt::UserRole).toString();
    for (const CardReader &reader : m_readers) {
        if (reader.id == id)
            return reader;
    }
    return std::nullopt;
}

void CardReadersDialog::updateButtons()
{
    const std::optional<CardReader> reader = selected();
    m_add->setEnabled(!isSaving());
    m_assign->setEnabled(reader.has_value() && !isSaving());
    m_unassign->setEnabled(reader && reader->isAssigned() && !isSaving());
    m_remove->setEnabled(reader.has_value() && !isSaving());
}

void CardReadersDialog::save(const QString &label, const QString &failedWords,
                             std::function<DbResult<CardReader>(QSqlDatabase &)> change,
                             std::function<QString(const CardReader &)> done)
{
    if (isSaving())
        return;
    saveStarted();
    auto saved = m_pool.withRetry(label, RetryPolicy::standard(), std::move(change));
    Async::onResult(saved, this, [this, failedWords, done](const DbResult<CardReader> &result) {
        if (saveFinished(result, failedWords))
            showSaved(done(result.value()));
    });
}

void CardReadersDialog::addReader()
{
    const QString id = m_id->text().trimmed();
    const QString label = m_label->text();
    const QString actor = m_manager.actor();
    save(
        QStringLiteral("readers.add"), tr("The reader was not added."),
        [id, label, actor](QSqlDatabase &db) { return ReaderRepo(db).add(id, label, actor); },
        [this](const CardReader &reader) {
            m_id->clear();
            m_label->clear();
            // The new reader is selected once the list shows it.
            m_selectAfterLoad = reader.id;
            return tr("Reader %1 (%2) added; assign it to a desk or kiosk to take payments on it.")
                .arg(reader.id, reader.label);
        });
}

void CardReadersDialog::removeSelected()
{
    const std::optional<CardReader> reader = selected();
    if (!reader)
        return;
    const QString id = reader->id;
    const QString actor = m_manager.actor();
    const CardReader gone = *reader;
    save(
        QStringLiteral("readers.remove"), tr("Reader %1 was not removed.").arg(id),
        [id, actor, gone](QSqlDatabase &db) -> DbResult<CardReader> {
            const DbResult<Done> removed = ReaderRepo(db).remove(id, actor);
            if (!removed.ok())
                return removed.error();
            return gone;
        },
        [](const CardReader &removed) {
            return tr("Reader %1 (%2) removed.").arg(removed.id, removed.label);
        });
}

void CardReadersDialog::assignSelected()
{
    const std::optional<CardReader> reader = selected();
    if (!reader)
        return;
    const QString id = reader->id;
    const QString kind = m_kind->currentData().toString();
    const QString device = chosenDevice();
    const QString actor = m_manager.actor();
    save(
        QStringLiteral("readers.assign"), tr("Reader %1 was not assigned.").arg(id),
        [id, kind, device, actor](QSqlDatabase &db) {
            return ReaderRepo(db).assign(id, kind, device, actor);
        },
        [](const CardReader &assigned) {
            return tr("Reader %1 now takes the card payments of the %2.")
                .arg(assigned.id, ReaderRepo::deviceWords(assigned.assignedKind, assigned.assignedTo));
        });
}

void CardReadersDialog::unassignSelected()
{
    const std::optional<CardReader> reader = selected();
    if (!reader || !reader->isAssigned())
        return;
    const QString id = reader->id;
    const QString actor = m_manager.actor();
    const QString before = ReaderRepo::deviceWords(reader->assignedKind, reader->assignedTo);
    save(
        QStringLiteral("readers.unassign"), tr("Reader %1 was not unassigned.").arg(id),
        [id, actor](QSqlDatabase &db) { return ReaderRepo(db).unassign(id, actor); },
        [before](const CardReader &unassigned) {
            return tr("Reader %1 no longer serves the %2.").arg(unassigned.id, before);
        });
}
