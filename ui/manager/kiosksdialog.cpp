#include "ui/manager/kiosksdialog.h"

#include "db/kiosk/kioskrepo.h"
#include "db/payments/readerrepo.h"
#include "db/pool/async.h"
#include "db/pool/connectionpool.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>

namespace {

enum Column { NameColumn, LanguageColumn, MethodsColumn, ReaderColumn, StateColumn };

} // namespace

KiosksDialog::KiosksDialog(ConnectionPool &pool, const StaffMember &manager, QWidget *parent)
    : ManagerListDialog(QStringLiteral("kiosks"), parent)
    , m_pool(pool)
    , m_manager(manager)
{
    setObjectName(QStringLiteral("kiosksDialog"));
    setWindowTitle(tr("Kiosks"));
    m_list = list();
    m_list->setObjectName(QStringLiteral("kioskList"));
    m_list->setAccessibleName(tr("Kiosks"));
    m_list->setHeaderLabels(
        {tr("Kiosk"), tr("Language"), tr("Customers pay"), tr("Card reader"), tr("State")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(MethodsColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this] {
        fillEditor();
        updateButtons();
    });

    m_language = new QComboBox(this);
    m_language->setObjectName(QStringLiteral("kioskLanguageField"));
    m_language->setAccessibleName(tr("The kiosk's language"));
    // Each language named in itself, as the kiosk names them to customers.
    for (const QString &code : KioskRepo::languages())
        m_language->addItem(languageName(code), code);
    m_reader = new QCheckBox(tr("On the kiosk's card &reader"), this);
    m_reader->setObjectName(QStringLiteral("kioskMethodReader"));
    m_phone = new QCheckBox(tr("On their &phone (QR code)"), this);
    m_phone->setObjectName(QStringLiteral("kioskMethodPhone"));
    m_desk = new QCheckBox(tr("At the &desk"), this);
    m_desk->setObjectName(QStringLiteral("kioskMethodDesk"));
    auto *methods = new QHBoxLayout;
    methods->addWidget(m_reader);
    methods->addWidget(m_phone);
    methods->addWidget(m_desk);
    methods->addStretch(1);
    m_readerId = new QComboBox(this);
    m_readerId->setObjectName(QStringLiteral("kioskReaderField"));
    m_readerId->setAccessibleName(tr("The kiosk's card reader"));
    m_save = new QPushButton(tr("&Save changes"), this);
    m_save->setObjectName(QStringLiteral("saveKioskButton"));
    m_save->setAccessibleName(tr("Save the selected kiosk's changes"));
    m_save->setAutoDefault(false);
    connect(m_save, &QPushButton::clicked, this, &KiosksDialog::saveSelected);

    auto *form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    form->addRow(tr("Customers pay:"), methods);
    form->addRow(tr("Card r&eader:"), m_readerId);

    status()->setObjectName(QStringLiteral("kiosksStatus"));
    auto *saving = new QHBoxLayout;
    saving->addStretch(1);
    saving->addWidget(m_save);
    layOut(tr("The self-service kiosks. A kiosk adds itself here when it first starts; "
              "choose the language it greets customers in, how they may pay and its "
              "card reader."),
           new QLabel(tr("&Kiosks:"), this), {form, saving}, 100);
    setTabOrder(m_list, m_language);
    setTabOrder(m_language, m_reader);
    setTabOrder(m_reader, m_phone);
    setTabOrder(m_phone, m_desk);
    setTabOrder(m_desk, m_readerId);
    setTabOrder(m_readerId, m_save);
    updateButtons();
    reload();
}

QString KiosksDialog::languageName(const QString &code)
{
    if (code == u"es")
        return QStringLiteral("Español");
    if (code == u"de")
        return QStringLiteral("Deutsch");
    return QStringLiteral("English");
}

QString KiosksDialog::methodsText(const QStringList &methods) const
{
    QStringList words;
    for (const QString &m : methods)
        words << (m == u"reader" ? tr("card reader") : m == u"phone" ? tr("phone") : tr("at the desk"));
    return words.join(QStringLiteral(", "));
}

void KiosksDialog::reload()
{
    loadStarted();
    auto all = m_pool.withRetry(QStringLiteral("kiosks.list"), RetryPolicy::standard(), [](QSqlDatabase &db) {
        return Loaded {KioskRepo(db).list(), ReaderRepo(db).list()};
    });
    Async::onResult(all, this, [this](const DbResult<Loaded> &result) {
        if (!loadFinished(result, tr("The kiosks could not be loaded.")))
            return;
        const std::optional<KioskProfile> before = selected();
        m_kiosks = result->kiosks;
        m_readers = result->readers;
        showKiosks(before ? before->name : QString());
        updateButtons();
        Q_EMIT loaded();
    });
}

void KiosksDialog::showKiosks(const QString &select)
{
    const QSignalBlocker quiet(m_list);
    m_list->clear();
    for (const KioskProfile &k : std::as_const(m_kiosks)) {
        auto *item = new QTreeWidgetItem(m_list,
                                         {k.name, languageName(k.language), methodsText(k.methods),
                                          k.readerId.isEmpty() ? tr("None") : k.readerId,
                                          k.running ? tr("Running") : tr("Not running")});
        item->setData(NameColumn, Qt::UserRole, k.name);
        if (k.name == select || !m_list->currentItem())
            m_list->setCurrentItem(item);
    }
    if (m_kiosks.isEmpty())
        status()->setText(tr("No kiosks yet: a kiosk adds itself when it first starts (carwash --kiosk)."));
    fillEditor();
}

std::optional<KioskProfile> KiosksDialog::selected() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item)
        return std::nullopt;
    const QString name = item->data(NameColumn, Qt::UserRole).toString();
    for (const KioskProfile &k : m_kiosks) {
        if (k.name == name)
            return k;
    }
    return std::nullopt;
}

void KiosksDialog::fillEditor()
{
    const std::optional<KioskProfile> kiosk = selected();
    m_language->setCurrentIndex(
        std::max(0, m_language->findData(kiosk ? kiosk->language : QStringLiteral("en"))));
    m_reader->setChecked(kiosk && kiosk->offers(QStringLiteral("reader")));
    m_phone->setChecked(kiosk && kiosk->offers(QStringLiteral("phone")));
    m_desk->setChecked(kiosk && kiosk->offers(QStringLiteral("desk")));
    // No reader, the kiosk's own, and every reader serving nobody.
    m_readerId->clear();
    m_readerId->addItem(tr("No reader"), QString());
    for (const CardReader &r : std::as_const(m_readers)) {
        const bool mine = kiosk && r.assignedKind == u"kiosk" && r.assignedTo == kiosk->name;
        if (mine || !r.isAssigned())
            m_readerId->addItem(tr("%1 (%2)").arg(r.id, r.label), r.id);
    }
    m_readerId->setCurrentIndex(std::max(0, m_readerId->findData(kiosk ? kiosk->readerId : QString())));
}

void KiosksDialog::updateButtons()
{
    const bool editable = selected().has_value() && !isBusy();
    for (QWidget *w : {static_cast<QWidget *>(m_language), static_cast<QWidget *>(m_reader),
                       static_cast<QWidget *>(m_phone), static_cast<QWidget *>(m_desk),
                       static_cast<QWidget *>(m_readerId), static_cast<QWidget *>(m_save)})
        w->setEnabled(editable);
}

void KiosksDialog::saveSelected()
{
    const std::optional<KioskProfile> kiosk = selected();
    if (!kiosk || isSaving())
        return;
    KioskChange change;
    change.language = m_language->currentData().toString();
    QStringList methods;
    if (m_reader->isChecked())
        methods << QStringLiteral("reader");
    if (m_phone->isChecked())
        methods << QStringLiteral("phone");
    if (m_desk->isChecked())
        methods << QStringLiteral("desk");
    change.methods = methods;
    change.readerId = m_readerId->currentData().toString();
    const QString name = kiosk->name;
    if (const QList<FieldError> problems = KioskRepo::validate(name, change); !problems.isEmpty()) {
        QStringList lines;
        for (const FieldError &e : problems)
            lines << e.message;
        refuse(tr("Kiosk %1 was not changed.").arg(name), lines.join(QLatin1Char('\n')));
        return;
    }
    saveStarted();
    const QString actor = m_manager.actor();
    auto saved = m_pool.withRetry(
        QStringLiteral("kiosks.set"), RetryPolicy::standard(),
        [name, change, actor](QSqlDatabase &db) { return KioskRepo(db).set(name, change, actor); });
    Async::onResult(saved, this, [this, name](const DbResult<KioskProfile> &result) {
        if (!saveFinished(result, tr("Kiosk %1 was not changed.").arg(name)))
            return;
        showSaved(tr("Kiosk %1 saved: %2, customers pay %3, %4.")
                      .arg(result->name, languageName(result->language), methodsText(result->methods),
                           result->readerId.isEmpty() ? tr("no card reader")
                                                      : tr("card reader %1").arg(result->readerId)));
    });
}
