#include "app/cli/admincli.h"

#include "app/cli/backupcommands.h"
#include "app/cli/bookingcommands.h"
#include "app/cli/cataloguecommands.h"
#include "app/cli/customercommands.h"
#include "app/cli/databasecommands.h"
#include "app/cli/democommands.h"
#include "app/cli/embeddedcommands.h"
#include "app/cli/kioskcommands.h"
#include "app/cli/maintenancecommands.h"
#include "app/cli/paymentcommands.h"
#include "app/cli/readercommands.h"
#include "app/cli/sitecommands.h"
#include "app/cli/staffcommands.h"
#include "app/cli/takingscommands.h"

int AdminCli::usage(int code)
{
    QTextStream &s = code == Ok ? m_cli.out() : m_cli.err();
    s << tr("Usage: carwash-admin COMMAND [--json]\n"
            "\n"
            "Commands:\n"
            "  migrate            apply database migrations (also done at start-up)\n"
            "  seed --demo        fill an empty database with a believable demo car wash\n"
            "  seed --demo-day [--date YYYY-MM-DD]  a day of demo bookings (default today)\n"
            "  health             every process's published health (lost ones too) and the database's\n"
            "                     answer; the worst decides: exit 0 healthy, 1 degraded, 2 unhealthy\n"
            "  services           list wash packages with prices per vehicle class\n"
            "  service ID         one wash package; exit 3 when there is no such id\n"
            "  config             the configuration in force and where each value came from\n"
            "  db start|stop|status  the embedded database server (when no DATABASE_URL is set)\n"
            "  maintenance [--if-due] [--batch-size N]\n"
            "                     remove health snapshots, audit and payment-event rows older than\n"
            "                     retention.*_days, in small batches; --if-due: only when not run today\n"
            "  backup [--to FILE]  a pg_dump archive of the database with its manifest (FILE.json:\n"
            "                     SHA-256, schema version, time); default: the backup.folder setting's folder\n"
            "  restore FILE [--replace] [--yes]\n"
            "                     check the archive, then restore it in one transaction and migrate;\n"
            "                     a database with bookings only with --replace after typing yes (--yes\n"
            "                     for scripts); exit 2 damaged or newer-schema archive, 1 refused\n"
            "\n"
            "Site (one database for every program of a car wash):\n"
            "  site init [--host SOCKET_FOLDER] [--port PORT] [--name NAME] [--allow USER]...\n"
            "                     as root or postgres: make the role and database NAME (carwash) in this PC's\n"
            "                     PostgreSQL (default /var/run/postgresql, 5432), migrate it, let each\n"
            "                     USER's programs in, and write /etc/carwash-desk/database.conf (no\n"
            "                     password); a second run changes nothing and says so\n"
            "  site join postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE\n"
            "                     use a site database elsewhere: checked, the password in your keychain,\n"
            "                     the connection in database.conf (root) or your saved settings\n"
            "\n"
            "Calendar:\n"
            "  settings                        the booking settings in force\n"
            "  settings get KEY | set KEY VALUE  site.timezone, booking.slot_minutes, booking.buffer_minutes,\n"
            "                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes\n"
            "  hours                           weekly opening hours\n"
            "  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed\n"
            "  closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT]\n"
            "  closure list | closure remove ID\n"
            "\n"
            "Bookings:\n"
            "  availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]\n"
            "                                  free start times of a local day, with the free bays\n"
            "  next --service ID [--vehicle car|suv|truck] [--addon ID]...  the earliest free start from now\n"
            "  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]\n"
            "       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]\n"
            "                                  exit 0 booked, 2 invalid input, 3 slot taken, 4 database unavailable\n"
            "  bookings --date YYYY-MM-DD      the bookings of a local day\n"
            "  booking ID|CODE                 one booking\n"
            "  booking status ID|CODE STATUS [--reason TEXT]\n"
            "                                  held, confirmed, checked_in, in_progress, completed, cancelled,\n"
            "                                  no_show, expired (only the lifecycle's next steps)\n"
            "  customer find TEXT              by plate, phone or name, with visit history\n"
            "  customer forget ID|PHONE|EMAIL [--dry-run]\n"
            "                                  erase a customer's name, phone, e-mail and plates on request\n"
            "                                  (every customer with that phone or e-mail); bookings and\n"
            "                                  payments are kept for the books; exit 3 when none matches;\n"
            "                                  a number alone is an ID, a phone has a + or separators\n"
            "\n"
            "Staff:\n"
            "  staff list                      everyone who may sign in, with role and state\n"
            "  staff reset-pin NAME            a new PIN, printed once (a forgotten manager PIN);\n"
            "                                  exit 3 unknown name, 2 several match\n"
            "\n"
            "Payments (card work is done by carwash-server; exit 5 when none answers or Stripe refuses):\n"
            "  payment checkout ID|CODE [--wait SECONDS]\n"
            "                                  create or reuse the booking's Checkout link; prints payment_id,\n"
            "                                  session_id, url, expires_at, amount_cents, currency, status\n"
            "  payment show ID|CODE            the booking's payments\n"
            "  payment refund ID|CODE [--amount 12.50] [--reason TEXT] [--wait SECONDS]\n"
            "                                  default all that is left, the newest card payment first;\n"
            "                                  cash at once, card through carwash-server\n"
            "  payment reconcile [--wait SECONDS]  fetch pending card payments from Stripe once, now\n"
            "  reader list | reader add READER_ID --label L [--desk NAME|--kiosk NAME] | reader remove READER_ID\n"
            "                                  Stripe Terminal readers, at most one per desk or kiosk\n"
            "  takings --date YYYY-MM-DD [--csv]  a local day's takings: cash, card, refunds, tax, net\n"
            "\n"
            "Kiosks:\n"
            "  kiosk list                      every kiosk: language, ways of paying, reader, running or not\n"
            "  kiosk set NAME [--reader READER_ID|--no-reader] [--language en|es|de] [--methods reader,phone,desk]\n"
            "                                  change a kiosk (made when missing); a reader serving another\n"
            "                                  desk or kiosk is refused\n"
            "\n"
            "Options:\n"
            "  --json             machine-readable output\n"
            "\n"
            "Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&pool_timeout=10\n"
            "(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,\n"
            "DB_STATEMENT_TIMEOUT, ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY).\n"
            "Without it, /etc/carwash-desk/database.conf (CARWASH_SITE_CONFIG) names the site database;\n"
            "without both and saved settings, a private PostgreSQL server under your data folder is used.\n")
      << tr("\ncarwash-admin --version prints the version of CarWash Desk.\n") << Qt::flush;
    return code;
}

int AdminCli::run(const QStringList &arguments)
{
    QStringList args = arguments.mid(1);
    m_cli.setJson(args.removeAll(QStringLiteral("--json")) > 0);
    if (args.isEmpty())
        return usage(Invalid);
    const QString command = args.takeFirst();
    if (command == u"-h" || command == u"--help" || command == u"help")
        return usage(Ok);
    if (command == u"--version")
        return DatabaseCommands(m_cli).version();
    if (command == u"migrate")
        return DatabaseCommands(m_cli).migrate();
    if (command == u"seed")
        return DemoCommands(m_cli).seed(args);
    if (command == u"health")
        return DatabaseCommands(m_cli).health();
    if (command == u"services")
        return CatalogueCommands(m_cli).services();
    if (command == u"service")
        return CatalogueCommands(m_cli).service(args);
    if (command == u"db")
        return EmbeddedCommands(m_cli).run(args);
    if (command == u"config")
        return DatabaseCommands(m_cli).config();
    if (command == u"settings")
        return CatalogueCommands(m_cli).settings(args);
    if (command == u"hours")
        return CatalogueCommands(m_cli).hours(args);
    if (command == u"closure")
        return CatalogueCommands(m_cli).closure(args);
    if (command == u"availability")
        return BookingCommands(m_cli).availability(args);
    if (command == u"next")
        return BookingCommands(m_cli).next(args);
    if (command == u"book")
        return BookingCommands(m_cli).book(args);
    if (command == u"bookings")
        return BookingCommands(m_cli).bookings(args);
    if (command == u"booking")
        return BookingCommands(m_cli).booking(args);
    if (command == u"customer")
        return CustomerCommands(m_cli).run(args);
    if (command == u"maintenance")
        return MaintenanceCommands(m_cli).run(args);
    if (command == u"backup")
        return BackupCommands(m_cli).backup(args);
    if (command == u"restore")
        return BackupCommands(m_cli).restore(args);
    if (command == u"staff")
        return StaffCommands(m_cli).run(args);
    if (command == u"payment")
        return PaymentCommands(m_cli).run(args);
    if (command == u"reader")
        return ReaderCommands(m_cli).run(args);
    if (command == u"takings")
        return TakingsCommands(m_cli).run(args);
    if (command == u"kiosk")
        return KioskCommands(m_cli).run(args);
    if (command == u"site")
        return SiteCommands(m_cli).run(args);
    m_cli.err() << tr("Unknown command \"%1\".").arg(command) << "\n\n";
    return usage(Invalid);
}
