#include "ui/manager/bayspage.h"

#include "db/catalogue/catalogrepo.h"
#include "db/pool/connectionpool.h"
#include "ui/manager/cataloguetext.h"
#include "ui/manager/servicechecklist.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>

BaysPage::BaysPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner, QWidget *parent)
    : CatalogueEditorPage(pool, manager, banner, parent)
{
    setObjectName(QStringLiteral("baysPage"));
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("bayName"));
    m_name->setAccessibleName(tr("Bay name"));
    m_name->setMaxLength(CatalogRepo::MaxNameLength);
    connect(m_name, &QLineEdit::textEdited, this, &BaysPage::markDirty);
    addField(tr("Na&me:"), m_name, QStringLiteral("name"));

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("bayKind"));
    m_kind->setAccessibleName(tr("Kind"));
    for (const QString &kind : CatalogRepo::bayKinds())
        m_kind->addItem(CatalogueText::bayKind(kind), kind);
    connect(m_kind, &QComboBox::activated, this, &BaysPage::markDirty);
    addField(tr("&Kind:"), m_kind, QStringLiteral("kind"));

    m_active = new QCheckBox(tr("&Active (takes new bookings)"), this);
    m_active->setObjectName(QStringLiteral("bayActive"));
    m_active->setAccessibleName(tr("Active"));
    connect(m_active, &QCheckBox::toggled, this, &BaysPage::markDirty);
    addField(QString(), m_active, QStringLiteral("active"));

    m_services = new ServiceCheckList(this);
    m_services->setObjectName(QStringLiteral("bayServices"));
    m_services->setAccessibleName(tr("Services this bay performs"));
    m_services->setMaximumHeight(m_services->fontMetrics().lineSpacing() * 6);
    connect(m_services, &ServiceCheckList::edited, this, &BaysPage::markDirty);
    addField(tr("Per&forms:"), m_services, QStringLiteral("services"));

    setUpLayout({tr("Bay"), tr("Kind"), tr("Active"), tr("Performs")}, tr("Bays"));
    showRow(-1);
}

void BaysPage::catalogueChanged()
{
    m_services->setServices(m_catalogue.services);
}

QStringList BaysPage::rowTexts(int row) const
{
    const CatalogueBay &b = m_catalogue.bays.at(row);
    QStringList names;
    for (const CatalogueService &s : m_catalogue.services) {
        if (b.serviceIds.contains(s.id))
            names << s.name;
    }
    return {b.name, CatalogueText::bayKind(b.kind), CatalogueText::activeText(b.active),
            names.join(QStringLiteral(", "))};
}

void BaysPage::showRow(int row)
{
    const CatalogueBay b = row >= 0 ? m_catalogue.bays.at(row) : CatalogueBay {};
    m_name->setText(b.name);
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(b.kind)));
    m_active->setChecked(b.active);
    m_services->setChecked(b.serviceIds);
}

std::optional<QFuture<DbResult<SaveOutcome>>> BaysPage::startSave(qint64 id, QList<FieldError> &errors)
{
    CatalogueBay b;
    b.id = id;
    b.name = m_name->text();
    b.kind = m_kind->currentData().toString();
    b.active = m_active->isChecked();
    b.serviceIds = m_services->checkedIds();
    CatalogueBay normalised = b;
    normalised.name = CatalogRepo::normaliseName(b.name);
    errors = CatalogRepo::validate(normalised);
    if (!errors.isEmpty())
        return std::nullopt;
    const QString actor = m_manager.actor();
    return m_pool.withRetry(QStringLiteral("catalogue.save_bay"), RetryPolicy::critical(),
                            [b, actor](QSqlDatabase &db) { return CatalogRepo(db).saveBay(b, actor); });
}

QFuture<DbResult<SaveOutcome>> BaysPage::startRemove(qint64 id)
{
    const QString actor = m_manager.actor();
    return m_pool.withRetry(QStringLiteral("catalogue.remove_bay"), RetryPolicy::critical(),
                            [id, actor](QSqlDatabase &db) { return CatalogRepo(db).removeBay(id, actor); });
}
