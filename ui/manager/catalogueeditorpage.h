#pragma once

#include "db/catalogue/catalogue.h"
#include "db/pool/dberror.h"
#include "db/pool/saveoutcome.h"
#include "ui/manager/sitesetuppage.h"

#include <QFuture>

#include <optional>

class QFormLayout;
class QMessageBox;
class QPushButton;
class QTableWidget;

// A catalogue tab (services, add-ons, bays): a table of every row, active
// or not, and under it a form for the selected row or a new one, with New,
// Save and Remove. Remove deactivates instead when bookings refer to the
// row (CatalogRepo says which happened). The dialog loads the catalogue
// once for all these tabs and hands it over with setCatalogue(); after a
// write the page asks for a reload with reloadRequested().
class CatalogueEditorPage : public SiteSetupPage
{
    Q_OBJECT
public:
    CatalogueEditorPage(ConnectionPool &pool, const StaffMember &manager, ErrorBanner &banner,
                        QWidget *parent = nullptr);

    // Refreshes the table, keeps the selection, and shows the selected row
    // in the form unless the form holds unsaved edits.
    void setCatalogue(const Catalogue &catalogue);
    const Catalogue &catalogue() const { return m_catalogue; }

    // The dialog's shared load: busy state while it runs.
    void setLoading(bool loading);

    void newRow();
    void save();
    // Asks first; nullptr when nothing stored is selected.
    QMessageBox *removeSelected();
    // Selects the row with that id (and shows it); false when none.
    bool selectId(qint64 id);
    qint64 currentId() const { return m_editingId; }
    bool hasUnsavedEdits() const { return m_dirty; }
    QTableWidget *table() const { return m_table; }

Q_SIGNALS:
    void reloadRequested();

protected:
    // Builds the table and form; call at the end of a subclass constructor.
    void setUpLayout(const QStringList &headers, const QString &noun);
    QFormLayout *form() const { return m_form; }
    // Adds a row to the form: a label with a mnemonic, the editor, its
    // error label under it.
    void addField(const QString &label, QWidget *editor, const QString &field);
    // Connect editors' change signals here.
    void markDirty();

    virtual int rowCount() const = 0;
    virtual qint64 rowId(int row) const = 0;
    virtual QString rowName(int row) const = 0;
    virtual bool rowActive(int row) const = 0;
    virtual int rowBookings(int row) const = 0;
    virtual QStringList rowTexts(int row) const = 0;
    // Fills the form with row (-1: empty, for a new one).
    virtual void showRow(int row) = 0;
    // The form's value sent to the pool; nullopt with errors when the form
    // cannot be read or does not validate.
    virtual std::optional<QFuture<DbResult<SaveOutcome>>> startSave(qint64 id, QList<FieldError> &errors) = 0;
    virtual QFuture<DbResult<SaveOutcome>> startRemove(qint64 id) = 0;
    // Called when the catalogue changes, before the table is refreshed.
    virtual void catalogueChanged() { }

    Catalogue m_catalogue;

private:
    void refreshTable();
    void showCurrent();
    void remove(qint64 id, const QString &name);
    void handleOutcome(const DbResult<SaveOutcome> &result, const QString &failure,
                       std::function<void()> retry);

    QTableWidget *m_table = nullptr;
    QFormLayout *m_form = nullptr;
    QPushButton *m_new = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_remove = nullptr;
    QString m_noun;
    qint64 m_editingId = 0; // 0: a new row
    qint64 m_selectAfterReload = 0;
    bool m_dirty = false;
    bool m_filling = false;
    bool m_loading = false;
};
