#include "ui/manager/databasesettingsdialog.h"

#include "db/pool/async.h"
#include "db/pool/connectioncheck.h"
#include "db/text/displaylocale.h"
#include "ui/common/busyindicator.h"
#include "ui/common/errortext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace {

QString keyOf(const DatabaseConfig &config)
{
    return KeychainRequest::databasePasswordKey(config.user, config.hostPortList(), config.database);
}

QString exampleUrl(const DatabaseConfig &config)
{
    return QStringLiteral("DATABASE_URL=postgresql://%1:PASSWORD@%2:%3/%4")
        .arg(config.user.isEmpty() ? QStringLiteral("USER") : config.user,
             config.host.isEmpty() ? QStringLiteral("HOST") : config.host)
        .arg(config.port)
        .arg(config.database.isEmpty() ? QStringLiteral("DATABASE") : config.database);
}

// A note that decides whether saving here changes anything: reached with
// Tab and read by a screen reader like any field, hidden when empty.
QLabel *sourceNote(const QString &text, const QString &name, const QString &accessibleName, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(name);
    label->setWordWrap(true);
    label->setAccessibleName(accessibleName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setFocusPolicy(Qt::StrongFocus);
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    label->setVisible(!text.isEmpty());
    return label;
}

} // namespace

DatabaseSettingsDialog::DatabaseSettingsDialog(const DatabaseConfig &inUse, QWidget *parent)
    : QDialog(parent)
    , m_inUse(inUse)
{
    setObjectName(QStringLiteral("databaseSettingsDialog"));
    setWindowTitle(tr("Database settings"));

    // Where the connection in use came from, as the loader decided it: a
    // stronger layer than this dialog's saved settings hides them.
    QString overridden;
    switch (inUse.sourceOf(QStringLiteral("host"))) {
    case ConfigSource::Url:
        overridden
            = tr("This program takes its database from DATABASE_URL in its environment, which comes "
                 "before the settings saved here. Saving here will not change the database the programs "
                 "use until DATABASE_URL is removed from their environment.");
        break;
    case ConfigSource::SiteFile:
        overridden
            = tr("This computer's site file %1 sets the database for every program, and it comes "
                 "before the settings saved here. Saving here will not change the database the programs "
                 "use until that file is removed.")
                  .arg(QDir::toNativeSeparators(inUse.siteConfigPath));
        break;
    default:
        break;
    }
    m_source = sourceNote(overridden, QStringLiteral("settingsSource"), tr("Where the settings in use come from"),
                          this);

    QStringList notes;
    if (inUse.embedded)
        notes << tr("Now using the database built into this computer. Enter a database server to share one "
                    "database between desks.");
    else
        notes << tr("Now using %1.").arg(inUse.redactedUrl());
    notes << tr("Saved changes take effect the next time CarWash Desk starts.");
    auto *note = new QLabel(notes.join(u'\n'), this);
    note->setObjectName(QStringLiteral("settingsNote"));
    note->setWordWrap(true);

    m_host = new QLineEdit(this);
    m_host->setObjectName(QStringLiteral("settingsHost"));
    m_host->setAccessibleName(tr("Server"));
    m_host->setPlaceholderText(tr("host name, IP address or socket folder"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("settingsPort"));
    m_port->setAccessibleName(tr("Port"));
    m_port->setRange(1, 65535);
    m_port->setGroupSeparatorShown(false);
    m_database = new QLineEdit(this);
    m_database->setObjectName(QStringLiteral("settingsDatabase"));
    m_database->setAccessibleName(tr("Database name"));
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("settingsUser"));
    m_user->setAccessibleName(tr("User"));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("settingsPassword"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setAccessibleDescription(tr("Kept in the operating system's keychain, never in a file."));
    m_password->setEchoMode(QLineEdit::Password);
    m_sslMode = new QComboBox(this);
    m_sslMode->setObjectName(QStringLiteral("settingsSslMode"));
    m_sslMode->setAccessibleName(tr("SSL mode"));
    m_sslMode->addItem(tr("Default (prefer)"), QString());
    for (const char *mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        m_sslMode->addItem(QString::fromLatin1(mode), QString::fromLatin1(mode));

    m_keychain = new QLabel(this);
    m_keychain->setObjectName(QStringLiteral("settingsKeychain"));
    m_keychain->setWordWrap(true);
    m_keychain->setAccessibleName(tr("Keychain"));
    m_keychain->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *server = new QGroupBox(tr("Server"), this);
    auto *serverForm = new QFormLayout;
    serverForm->addRow(tr("&Server:"), m_host);
    serverForm->addRow(tr("P&ort:"), m_port);
    serverForm->addRow(tr("&Database:"), m_database);
    serverForm->addRow(tr("&User:"), m_user);
    serverForm->addRow(tr("Pass&word:"), m_password);
    serverForm->addRow(tr("SS&L mode:"), m_sslMode);
    // Below the form rather than in it: a wrapped label in a form row gets
    // the height of one line.
    auto *serverLayout = new QVBoxLayout(server);
    serverLayout->addLayout(serverForm);
    serverLayout->addWidget(m_keychain);

    // The limits may each come from a stronger layer than the settings saved
    // here: the environment (DB_MAX_CONNECTIONS, ...), DATABASE_URL's
    // parameters or the site file's.
    const struct
    {
        QString key;
        QString name;
    } limitNames[] = {
        {QStringLiteral("connection_limit"), tr("Most connections at once")},
        {QStringLiteral("pool_timeout"), tr("The longest wait for a free connection")},
        {QStringLiteral("connect_timeout"), tr("The longest wait to connect")},
        {QStringLiteral("statement_timeout"), tr("The longest a query may run")},
    };
    QStringList setElsewhere;
    for (const auto &limit : limitNames) {
        switch (inUse.sourceOf(limit.key)) {
        case ConfigSource::Environment:
            setElsewhere << tr("%1: set by %2 in this program's environment.")
                                .arg(limit.name, DatabaseConfigLoader::environmentVariable(limit.key));
            break;
        case ConfigSource::Url:
            setElsewhere << tr("%1: set by %2 in DATABASE_URL.").arg(limit.name, limit.key);
            break;
        case ConfigSource::SiteFile:
            setElsewhere << tr("%1: set by %2 in the site file %3.")
                                .arg(limit.name, limit.key, QDir::toNativeSeparators(inUse.siteConfigPath));
            break;
        default:
            break;
        }
    }
    if (!setElsewhere.isEmpty())
        setElsewhere << tr("These come before the values saved here, which change nothing for them.");
    m_limitsSource = sourceNote(setElsewhere.join(u'\n'), QStringLiteral("settingsLimitsSource"),
                                tr("Connection limits set outside these settings"), this);

    m_maxConnections = new QSpinBox(this);
    m_maxConnections->setObjectName(QStringLiteral("settingsMaxConnections"));
    m_maxConnections->setAccessibleName(tr("Most connections at once"));
    m_maxConnections->setRange(1, 100);
    m_poolTimeout = new QSpinBox(this);
    m_poolTimeout->setObjectName(QStringLiteral("settingsPoolTimeout"));
    m_poolTimeout->setAccessibleName(tr("Longest wait for a free connection, in seconds"));
    m_poolTimeout->setRange(1, 3600);
    m_poolTimeout->setSuffix(tr(" s"));
    m_connectTimeout = new QSpinBox(this);
    m_connectTimeout->setObjectName(QStringLiteral("settingsConnectTimeout"));
    m_connectTimeout->setAccessibleName(tr("Longest wait to connect, in seconds"));
    m_connectTimeout->setRange(1, 3600);
    m_connectTimeout->setSuffix(tr(" s"));
    // The server stops a statement running longer; the pool also treats a
    // connection silent for this long plus a grace period as dead.
    m_statementTimeout = new QSpinBox(this);
    m_statementTimeout->setObjectName(QStringLiteral("settingsStatementTimeout"));
    m_statementTimeout->setAccessibleName(tr("Longest a query may run, in seconds; 0 for no limit"));
    m_statementTimeout->setRange(0, 86400);
    m_statementTimeout->setSuffix(tr(" s"));
    m_statementTimeout->setSpecialValueText(tr("no limit"));
    m_statementTimeout->setToolTip(
        tr("The server stops a query that runs longer, and a connection that stays silent longer (plus "
           "10 s) is treated as broken and replaced."));

    auto *limits = new QGroupBox(tr("Connections"), this);
    auto *limitsForm = new QFormLayout;
    limitsForm->addRow(tr("&Most at once:"), m_maxConnections);
    limitsForm->addRow(tr("Wait for a &free one up to:"), m_poolTimeout);
    limitsForm->addRow(tr("Wait to &connect up to:"), m_connectTimeout);
    limitsForm->addRow(tr("Stop a &query after:"), m_statementTimeout);
    // Above the form rather than in it, as the server's keychain note.
    auto *limitsLayout = new QVBoxLayout(limits);
    limitsLayout->addWidget(m_limitsSource);
    limitsLayout->addLayout(limitsForm);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("settingsStatus"));
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Result"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy = new BusyIndicator(this);

    auto *buttons = new QDialogButtonBox(this);
    m_test = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
    m_test->setObjectName(QStringLiteral("settingsTest"));
    m_test->setAutoDefault(false);
    m_save = buttons->addButton(QDialogButtonBox::Save);
    m_save->setObjectName(QStringLiteral("settingsSave"));
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    close->setAutoDefault(false);
    connect(m_test, &QPushButton::clicked, this, &DatabaseSettingsDialog::testConnection);
    connect(m_save, &QPushButton::clicked, this, &DatabaseSettingsDialog::save);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_source);
    layout->addWidget(note);
    layout->addWidget(server);
    layout->addWidget(limits);
    layout->addWidget(m_busy);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);

    loadSaved();
    // Next turn of the event loop, so a caller may set the timeout first.
    QTimer::singleShot(0, this, &DatabaseSettingsDialog::readPassword);
}

void DatabaseSettingsDialog::loadSaved()
{
    // The saved layer alone (no environment): what this dialog edits.
    QSettings settings;
    const DatabaseConfigLoader::Result saved = DatabaseConfigLoader::load(QProcessEnvironment(), &settings);
    DatabaseConfig config = saved.config;
    if (config.embedded) {
        // Nothing saved yet: the usual server set-up as a starting point.
        config.host = QStringLiteral("localhost");
        config.port = 5432;
        config.database = QStringLiteral("carwash");
        config.user = QStringLiteral("carwash");
    }
    m_host->setText(config.host);
    m_port->setValue(config.port);
    m_database->setText(config.database);
    m_user->setText(config.user);
    m_sslMode->setCurrentIndex(std::max(0, m_sslMode->findData(config.sslMode)));
    m_maxConnections->setValue(config.maxConnections);
    m_poolTimeout->setValue(std::max(1, config.poolTimeoutMs / 1000));
    m_connectTimeout->setValue(config.connectTimeoutS);
    m_statementTimeout->setValue(config.statementTimeoutMs / 1000);
}

DatabaseConfig DatabaseSettingsDialog::enteredConfig() const
{
    DatabaseConfig config;
    config.host = m_host->text().trimmed();
    config.port = m_port->value();
    config.database = m_database->text().trimmed();
    config.user = m_user->text().trimmed();
    config.password = m_password->text();
    config.sslMode = m_sslMode->currentData().toString();
    config.maxConnections = m_maxConnections->value();
    config.poolTimeoutMs = m_poolTimeout->value() * 1000;
    config.connectTimeoutS = m_connectTimeout->value();
    config.statementTimeoutMs = m_statementTimeout->value() * 1000;
    config.applicationName = QStringLiteral("carwash-settings-test");
    return config;
}

QString DatabaseSettingsDialog::statusText() const
{
    return m_status->text();
}

QString DatabaseSettingsDialog::sourceText() const
{
    return m_source->text();
}

QString DatabaseSettingsDialog::limitsSourceText() const
{
    return m_limitsSource->text();
}

QString DatabaseSettingsDialog::keychainText() const
{
    return m_keychain->text();
}

void DatabaseSettingsDialog::setStatus(const QString &text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("color: #b3261e;") : QString());
}

void DatabaseSettingsDialog::updateButtons()
{
    m_test->setEnabled(!m_testing);
    m_save->setEnabled(!m_saving);
    if (m_testing || m_saving)
        return;
    m_busy->stop();
}

QString DatabaseSettingsDialog::keychainAdvice(KeychainRequest::Error error, const QString &errorString) const
{
    const QString alternative = tr("Without a keychain the password cannot be saved. Instead, start CarWash "
                                   "Desk with the password in "
                                   "its environment: %1")
                                    .arg(exampleUrl(enteredConfig()));
    switch (error) {
    case KeychainRequest::Error::NoService:
        return tr("No keychain service is available on this computer. %1\n%2").arg(errorString, alternative);
    case KeychainRequest::Error::TimedOut:
        return tr("%1 Unlock the keychain (sign in to the desktop again) and retry.\n%2")
            .arg(errorString, alternative);
    default:
        return errorString;
    }
}

void DatabaseSettingsDialog::readPassword()
{
    m_keychain->setText(tr("Looking for a saved password in the keychain…"));
    auto *request = KeychainRequest::read(keyOf(enteredConfig()), this);
    request->setTimeout(m_keychainTimeoutMs);
    connect(request, &KeychainRequest::finished, this, [this, request] {
        request->deleteLater();
        switch (request->error()) {
        case KeychainRequest::Error::None:
            // Only fill in what the manager has not started typing over.
            if (m_password->text().isEmpty())
                m_password->setText(request->secret());
            m_keychain->setText(tr("A password for this database is saved in the keychain."));
            break;
        case KeychainRequest::Error::NotFound:
            m_keychain->setText(tr("No password is saved in the keychain for this database."));
            break;
        default:
            m_keychain->setText(keychainAdvice(request->error(), request->errorString()));
            break;
        }
        Q_EMIT keychainChecked();
    });
    request->start();
}

void DatabaseSettingsDialog::testConnection()
{
    if (m_testing)
        return;
    if (const QString problem = validate(); !problem.isEmpty()) {
        setStatus(problem, true);
        return;
    }
    const DatabaseConfig config = enteredConfig();
    m_testing = true;
    updateButtons();
    const QString target = config.serverText();
    setStatus(QString(), false);
    m_busy->start(tr("Connecting to %1…").arg(target));
    Async::onResult(
        QtConcurrent::run(&ConnectionCheck::runBlocking, config), this,
        [this, target](const DbResult<ConnectionCheck::Outcome> &result) {
            m_testing = false;
            updateButtons();
            if (!result.ok()) {
                const DbError &error = result.error();
                // Refused for a reason only new settings cure: the one line
                // that says which setting to change is all there is to say.
                if (error.kind() == DbError::Kind::Configuration) {
                    setStatus(tr("Could not connect to %1.\n%2").arg(target, error.message()), true);
                    Q_EMIT connectionTested(false);
                    return;
                }
                setStatus(tr("Could not connect to %1.\nWhat failed: %2\n%3")
                              .arg(target, error.detail().isEmpty() ? error.message() : error.detail(),
                                   ErrorText::whatToDo(error)),
                          true);
                Q_EMIT connectionTested(false);
                return;
            }
            const QLocale locale = DisplayLocale::get();
            QString text
                = tr("Connected to PostgreSQL %1 at %2 in %3 ms.")
                      .arg(result->serverVersion, target, locale.toString(result->elapsedMs, 'f', 0));
            text += u'\n';
            text += result->schemaVersion.isEmpty()
                ? tr("The database is empty; CarWash Desk sets it up when it starts with "
                     "these settings.")
                : tr("It holds CarWash Desk data (schema version %1).").arg(result->schemaVersion);
            setStatus(text, false);
            Q_EMIT connectionTested(true);
        });
}

QString DatabaseSettingsDialog::validate() const
{
    if (m_host->text().trimmed().isEmpty())
        return tr("Enter the database server: a host name, an IP address or a socket folder.");
    if (m_database->text().trimmed().isEmpty())
        return tr("Enter the name of the database.");
    if (m_user->text().trimmed().isEmpty())
        return tr("Enter the database user.");
    return {};
}

void DatabaseSettingsDialog::save()
{
    if (m_saving)
        return;
    if (const QString problem = validate(); !problem.isEmpty()) {
        setStatus(problem, true);
        return;
    }
    const DatabaseConfig config = enteredConfig();
    {
        QSettings settings;
        DatabaseConfigLoader::save(config, settings);
        settings.sync();
        if (settings.status() != QSettings::NoError) {
            setStatus(tr("The settings could not be written to %1.").arg(settings.fileName()), true);
            return;
        }
    }
    m_saving = true;
    updateButtons();
    m_busy->start(tr("Saving the password in the keychain…"));
    // An empty password means none (trust or peer authentication): take away
    // any password saved before rather than keep a stale one.
    KeychainRequest *request = config.password.isEmpty()
        ? KeychainRequest::remove(keyOf(config), this)
        : KeychainRequest::write(keyOf(config), config.password, this);
    request->setTimeout(m_keychainTimeoutMs);
    const bool removing = config.password.isEmpty();
    connect(request, &KeychainRequest::finished, this, [this, request, removing] {
        request->deleteLater();
        m_saving = false;
        updateButtons();
        const bool ok = request->error() == KeychainRequest::Error::None
            || (removing && request->error() == KeychainRequest::Error::NotFound);
        if (ok) {
            setStatus(removing
                          ? tr("Saved, without a password. They take effect the next time CarWash Desk "
                               "starts.")
                          : tr("Saved, with the password in the keychain. They take effect the next time "
                               "CarWash Desk starts."),
                      false);
            m_keychain->setText(removing ? tr("No password is saved in the keychain for this database.")
                                         : tr("A password for this database is saved in the keychain."));
        } else {
            setStatus(tr("The settings were saved, but not the password.\n%1")
                          .arg(keychainAdvice(request->error(), request->errorString())),
                      true);
        }
        Q_EMIT saved(ok && !removing);
    });
    request->start();
}
