<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>AdminCli</name>
    <message>
        <source>Unknown command &quot;%1&quot;.</source>
        <translation>Comando desconocido: «%1».</translation>
    </message>
    <message>
        <source>The database schema is up to date (version %1).</source>
        <translation>El esquema de la base de datos está al día (versión %1).</translation>
    </message>
    <message>
        <source>Applied migrations: %1.</source>
        <translation>Migraciones aplicadas: %1.</translation>
    </message>
    <message>
        <source>seed needs --demo: it fills an empty database with a demo car wash.</source>
        <translation>seed necesita --demo: llena una base de datos vacía con un autolavado de demostración.</translation>
    </message>
    <message>
        <source>The database already has services; nothing was changed.</source>
        <translation>La base de datos ya tiene servicios; no se ha cambiado nada.</translation>
    </message>
    <message>
        <source>Demo car wash created. Staff PINs (shown once, write them down):</source>
        <translation>Autolavado de demostración creado. PIN del personal (se muestran una sola vez, anótelos):</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Estado: %1</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Base de datos: %1</translation>
    </message>
    <message>
        <source>  reachable, PostgreSQL %1, %2 ms</source>
        <translation>  accesible, PostgreSQL %1, %2 ms</translation>
    </message>
    <message>
        <source>  unreachable: %1</source>
        <translation>  inaccesible: %1</translation>
    </message>
    <message>
        <source>Pool: %1 of %2 connections, %3 active, %4 idle, %5 waiting, %6 timeouts</source>
        <translation>Pool: %1 de %2 conexiones, %3 activas, %4 libres, %5 en espera, %6 tiempos de espera agotados</translation>
    </message>
    <message>
        <source>ALERT: %1</source>
        <translation>ALERTA: %1</translation>
    </message>
    <message>
        <source>No services yet. Add some, or run: carwash-admin seed --demo</source>
        <translation>Todavía no hay servicios. Añada alguno o ejecute: carwash-admin seed --demo</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>service needs one numeric ID, for example: carwash-admin service 2</source>
        <translation>service necesita un ID numérico, por ejemplo: carwash-admin service 2</translation>
    </message>
    <message>
        <source>There is no service with ID %1.</source>
        <translation>No hay ningún servicio con el ID %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n extra min</source>
        <translation>
            <numerusform>%n min adicional</numerusform>
            <numerusform>%n min adicionales</numerusform>
        </translation>
    </message>
    <message>
        <source>Usage: carwash-admin db start|stop|status</source>
        <translation>Uso: carwash-admin db start|stop|status</translation>
    </message>
    <message>
        <source>This program is configured for an external database (%1); db %2 only manages the embedded one.</source>
        <translation>Este programa está configurado para una base de datos externa (%1); db %2 solo gestiona la integrada.</translation>
    </message>
    <message>
        <source>The embedded database is stopped.</source>
        <translation>La base de datos integrada está detenida.</translation>
    </message>
    <message>
        <source>The embedded database is running (data in %1).</source>
        <translation>La base de datos integrada está en marcha (datos en %1).</translation>
    </message>
    <message>
        <source>The embedded database is not running (data in %1).</source>
        <translation>La base de datos integrada no está en marcha (datos en %1).</translation>
    </message>
    <message>
        <source>embedded default</source>
        <translation>integrada (predeterminada)</translation>
    </message>
    <message>
        <source>%1
Usage: carwash-admin %2</source>
        <translation>%1
Uso: carwash-admin %2</translation>
    </message>
    <message>
        <source>settings [get KEY | set KEY VALUE]</source>
        <translation>settings [get CLAVE | set CLAVE VALOR]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1</source>
        <translation>Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>(default) </source>
        <translation>(predeterminado) </translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 vale ahora %2.</translation>
    </message>
    <message>
        <source>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</source>
        <translation>hours [set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed]</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a day of the week. Accepted: mon, tue, wed, thu, fri, sat, sun.</source>
        <translation>«%1» no es un día de la semana. Se aceptan: mon, tue, wed, thu, fri, sat, sun.</translation>
    </message>
    <message>
        <source>closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT] | closure list | closure remove ID</source>
        <translation>closure add AAAA-MM-DD [--to AAAA-MM-DD] [--reason TEXTO] | closure list | closure remove ID</translation>
    </message>
    <message>
        <source>last closed day</source>
        <translation>último día cerrado</translation>
    </message>
    <message>
        <source>why</source>
        <translation>motivo</translation>
    </message>
    <message>
        <source>--to and --reason go with closure add. Usage: carwash-admin %1</source>
        <translation>--to y --reason van con closure add. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-25.</source>
        <translation>«%1» no es una fecha. Se acepta: AAAA-MM-DD, por ejemplo 2025-12-25.</translation>
    </message>
    <message>
        <source>--to &quot;%1&quot; is not a date. Accepted: YYYY-MM-DD, for example 2025-12-26.</source>
        <translation>--to «%1» no es una fecha. Se acepta: AAAA-MM-DD, por ejemplo 2025-12-26.</translation>
    </message>
    <message>
        <source>--to %1 is before %2; a closure ends on or after the day it starts.</source>
        <translation>--to %1 es anterior a %2; un cierre termina el mismo día en que empieza o después.</translation>
    </message>
    <message>
        <source>closure remove needs a numeric closure ID (see closure list), not &quot;%1&quot;.</source>
        <translation>closure remove necesita el ID numérico de un cierre (véase closure list), no «%1».</translation>
    </message>
    <message>
        <source>No closures.</source>
        <translation>No hay cierres.</translation>
    </message>
    <message>
        <source>Closure %1 added: closed %2 to %3.</source>
        <translation>Cierre %1 añadido: cerrado del %2 al %3.</translation>
    </message>
    <message>
        <source>Closure %1 removed.</source>
        <translation>Cierre %1 eliminado.</translation>
    </message>
    <message>
        <source>wash package</source>
        <translation>paquete de lavado</translation>
    </message>
    <message>
        <source>car, suv or truck</source>
        <translation>car, suv o truck</translation>
    </message>
    <message>
        <source>add-on, repeatable</source>
        <translation>extra; se puede repetir</translation>
    </message>
    <message>
        <source>one bay only</source>
        <translation>solo un box</translation>
    </message>
    <message>
        <source>--service ID is required (see: carwash-admin services).</source>
        <translation>--service ID es obligatorio (véase: carwash-admin services).</translation>
    </message>
    <message>
        <source>--service takes a numeric service ID, not &quot;%1&quot;.</source>
        <translation>--service requiere el ID numérico de un servicio, no «%1».</translation>
    </message>
    <message>
        <source>--vehicle takes one of car, suv, truck, not &quot;%1&quot;.</source>
        <translation>--vehicle admite car, suv o truck, no «%1».</translation>
    </message>
    <message>
        <source>--addon takes a numeric add-on ID, not &quot;%1&quot;.</source>
        <translation>--addon requiere el ID numérico de un extra, no «%1».</translation>
    </message>
    <message>
        <source>--bay takes a numeric bay ID, not &quot;%1&quot;.</source>
        <translation>--bay requiere el ID numérico de un box, no «%1».</translation>
    </message>
    <message>
        <source>local day</source>
        <translation>día local</translation>
    </message>
    <message>
        <source>availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>availability --date AAAA-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>--date YYYY-MM-DD is required.</source>
        <translation>--date AAAA-MM-DD es obligatorio.</translation>
    </message>
    <message>
        <source>--date takes YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>--date requiere AAAA-MM-DD (por ejemplo 2025-06-11), no «%1».</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot;.</source>
        <translation>No se esperaba «%1».</translation>
    </message>
    <message>
        <source>No free start times on %1.</source>
        <translation>No hay horas de inicio libres el %1.</translation>
    </message>
    <message>
        <source>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</source>
        <translation>next --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID] [--json]</translation>
    </message>
    <message>
        <source>No free start within the booking horizon (closed, fully booked, or no bay offers this service).</source>
        <translation>No hay ningún inicio libre dentro del plazo de reserva (cerrado, completo o ningún box ofrece este servicio).</translation>
    </message>
    <message>
        <source>Usage: carwash-admin COMMAND [--json]

Commands:
  migrate            apply database migrations (also done at start-up)
  seed --demo        fill an empty database with a believable demo car wash
  health             database and pool health; exit 0 healthy, 1 degraded, 2 unhealthy
  services           list wash packages with prices per vehicle class
  service ID         one wash package; exit 3 when there is no such id
  config             the configuration in force and where each value came from
  db start|stop|status  the embedded database server (when no DATABASE_URL is set)

Calendar:
  settings                        the booking settings in force
  settings get KEY | set KEY VALUE  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           weekly opening hours
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add YYYY-MM-DD [--to YYYY-MM-DD] [--reason TEXT]
  closure list | closure remove ID

Bookings:
  availability --date YYYY-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  free start times of a local day, with the free bays
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  the earliest free start from now
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  exit 0 booked, 2 invalid input, 3 slot taken, 4 database unavailable
  bookings --date YYYY-MM-DD      the bookings of a local day
  booking ID|CODE                 one booking
  booking status ID|CODE STATUS [--reason TEXT]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (only the lifecycle&apos;s next steps)
  customer find TEXT              by plate, phone or name, with visit history

Options:
  --json             machine-readable output

Database: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(environment overrides: DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD, MAX_QUERY_HISTORY). Without it, a private
PostgreSQL server under your data folder is used.
</source>
        <translation>Uso: carwash-admin COMANDO [--json]

Comandos:
  migrate            aplica las migraciones de la base de datos (también se hace al arrancar)
  seed --demo        llena una base de datos vacía con un autolavado de demostración creíble
  health             estado de la base de datos y del pool de conexiones; sale con 0 correcto,
                     1 degradado, 2 con fallos
  services           lista los paquetes de lavado con precios por clase de vehículo
  service ID         un paquete de lavado; sale con 3 si no existe ese ID
  config             la configuración vigente y de dónde viene cada valor
  db start|stop|status  el servidor de base de datos integrado (si no hay DATABASE_URL)

Calendario:
  settings                        los ajustes de reserva vigentes
  settings get CLAVE | set CLAVE VALOR
                                  site.timezone, booking.slot_minutes, booking.buffer_minutes,
                                  booking.min_notice_minutes, booking.horizon_days, booking.hold_minutes
  hours                           horario de apertura semanal
  hours set mon|tue|wed|thu|fri|sat|sun HH:MM-HH:MM[,HH:MM-HH:MM] | closed
  closure add AAAA-MM-DD [--to AAAA-MM-DD] [--reason TEXTO]
  closure list | closure remove ID

Reservas:
  availability --date AAAA-MM-DD --service ID [--vehicle car|suv|truck] [--addon ID]... [--bay ID]
                                  horas de inicio libres de un día local, con los boxes libres
  next --service ID [--vehicle car|suv|truck] [--addon ID]...  el primer inicio libre a partir de ahora
  book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck]
       [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K]
                                  sale con 0 reservado, 2 datos no válidos, 3 franja ocupada,
                                  4 base de datos no disponible
  bookings --date AAAA-MM-DD      las reservas de un día local
  booking ID|CÓDIGO               una reserva
  booking status ID|CÓDIGO ESTADO [--reason TEXTO]
                                  held, confirmed, checked_in, in_progress, completed, cancelled,
                                  no_show, expired (solo los pasos siguientes del ciclo de la reserva)
  customer find TEXTO             por matrícula, teléfono o nombre, con historial de visitas

Opciones:
  --json             salida legible por máquina

Base de datos: DATABASE_URL=postgresql://user:pass@host:5432/db?connection_limit=5&amp;pool_timeout=10
(la sustituyen las variables de entorno DB_MAX_CONNECTIONS, DB_POOL_TIMEOUT, DB_CONNECT_TIMEOUT,
ENABLE_DB_MONITORING, SLOW_QUERY_THRESHOLD y MAX_QUERY_HISTORY). Sin ella se usa un servidor
PostgreSQL privado dentro de su carpeta de datos.
</translation>
    </message>
    <message>
        <source>Booking %1, code %2 (%3)</source>
        <translation>Reserva %1, código %2 (%3)</translation>
    </message>
    <message>
        <source>held until %1</source>
        <translation>retenida hasta %1</translation>
    </message>
    <message>
        <source>start</source>
        <translation>inicio</translation>
    </message>
    <message>
        <source>licence plate</source>
        <translation>matrícula</translation>
    </message>
    <message>
        <source>customer name</source>
        <translation>nombre del cliente</translation>
    </message>
    <message>
        <source>phone</source>
        <translation>teléfono</translation>
    </message>
    <message>
        <source>e-mail</source>
        <translation>correo electrónico</translation>
    </message>
    <message>
        <source>hold until paid</source>
        <translation>retener hasta el pago</translation>
    </message>
    <message>
        <source>retry key</source>
        <translation>clave de reintento</translation>
    </message>
    <message>
        <source>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</source>
        <translation>book --service ID --start ISO-8601 --plate P --name N [--bay ID] [--vehicle car|suv|truck] [--addon ID]... [--phone P] [--email E] [--hold] [--idempotency-key K] [--json]</translation>
    </message>
    <message>
        <source>--start is required, for example --start 2025-06-11T09:30:00+02:00.</source>
        <translation>--start es obligatorio, por ejemplo --start 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>--start takes an ISO-8601 date and time such as 2025-06-11T09:30:00+02:00 (without an offset: the site&apos;s local time), not &quot;%1&quot;.</source>
        <translation>--start requiere una fecha y hora ISO-8601 como 2025-06-11T09:30:00+02:00 (sin desfase horario: la hora local del establecimiento), no «%1».</translation>
    </message>
    <message>
        <source>--%1 may be given once.</source>
        <translation>--%1 solo se puede indicar una vez.</translation>
    </message>
    <message>
        <source>Unexpected &quot;%1&quot; (quote values that contain spaces).</source>
        <translation>No se esperaba «%1» (ponga entre comillas los valores con espacios).</translation>
    </message>
    <message>
        <source>No other free start on that day or the next.</source>
        <translation>No hay otro inicio libre ese día ni el siguiente.</translation>
    </message>
    <message>
        <source>Free instead:</source>
        <translation>Libre en su lugar:</translation>
    </message>
    <message>
        <source>bookings --date YYYY-MM-DD [--json]</source>
        <translation>bookings --date AAAA-MM-DD [--json]</translation>
    </message>
    <message>
        <source>bookings needs --date YYYY-MM-DD (for example 2025-06-11), not &quot;%1&quot;.</source>
        <translation>bookings necesita --date AAAA-MM-DD (por ejemplo 2025-06-11), no «%1».</translation>
    </message>
    <message>
        <source>No bookings on %1.</source>
        <translation>No hay reservas el %1.</translation>
    </message>
    <message>
        <source>booking ID|CODE [--json] | booking status ID|CODE STATUS [--reason TEXT]</source>
        <translation>booking ID|CÓDIGO [--json] | booking status ID|CÓDIGO ESTADO [--reason TEXTO]</translation>
    </message>
    <message>
        <source>--reason goes with booking status. Usage: carwash-admin %1</source>
        <translation>--reason va con booking status. Uso: carwash-admin %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is neither a booking ID (a number) nor a confirmation code (6 letters and digits).</source>
        <translation>«%1» no es ni un ID de reserva (un número) ni un código de confirmación (6 letras y cifras).</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>«%1» no es un estado de reserva. Estados: %2.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>No hay ninguna reserva con el ID o código «%1».</translation>
    </message>
    <message>
        <source>customer find TEXT [--json]</source>
        <translation>customer find TEXTO [--json]</translation>
    </message>
    <message>
        <source>Usage: carwash-admin %1 (a plate, a phone number or part of a name; quote spaces)</source>
        <translation>Uso: carwash-admin %1 (una matrícula, un número de teléfono o parte de un nombre; entre comillas si hay espacios)</translation>
    </message>
    <message numerus="yes">
        <source>%n completed visit(s)</source>
        <translation>
            <numerusform>%n visita completada</numerusform>
            <numerusform>%n visitas completadas</numerusform>
        </translation>
    </message>
    <message>
        <source>No customer matches &quot;%1&quot;.</source>
        <translation>Ningún cliente coincide con «%1».</translation>
    </message>
</context>
<context>
    <name>BookingOutcome</name>
    <message numerus="yes">
        <source>The booking was refused: %n field(s) need attention.</source>
        <translation>
            <numerusform>La reserva se rechazó: hay que revisar %n campo.</numerusform>
            <numerusform>La reserva se rechazó: hay que revisar %n campos.</numerusform>
        </translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Esa franja horaria se acaba de ocupar.</translation>
    </message>
</context>
<context>
    <name>BookingRepo</name>
    <message>
        <source>The customer record changed meanwhile; try again.</source>
        <translation>La ficha del cliente cambió mientras tanto; vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>%1 does not exist in %2: the clocks jump forward over it.</source>
        <translation>%1 no existe en %2: los relojes se adelantan y se la saltan.</translation>
    </message>
    <message>
        <source>This idempotency key was already used for a different booking (ID %1). Send the same details to get that booking again, or use a new key.</source>
        <translation>Esta clave de idempotencia ya se usó para otra reserva (ID %1). Envíe los mismos datos para obtener de nuevo esa reserva, o use una clave nueva.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a booking status. Statuses: %2.</source>
        <translation>«%1» no es un estado de reserva. Estados: %2.</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>El motivo puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>There is no booking with ID or code &quot;%1&quot;.</source>
        <translation>No hay ninguna reserva con el ID o código «%1».</translation>
    </message>
    <message>
        <source>Booking %1 is %2, which is final; it cannot become %3.</source>
        <translation>La reserva %1 está en estado %2, que es definitivo; no puede pasar a %3.</translation>
    </message>
    <message>
        <source>Booking %1 is %2; it cannot become %3. Allowed: %4.</source>
        <translation>La reserva %1 está en estado %2; no puede pasar a %3. Permitido: %4.</translation>
    </message>
</context>
<context>
    <name>BookingRequest</name>
    <message>
        <source>The start must be an ISO-8601 date and time, for example 2025-06-11T09:30:00+02:00.</source>
        <translation>El inicio debe ser una fecha y hora ISO-8601, por ejemplo 2025-06-11T09:30:00+02:00.</translation>
    </message>
    <message>
        <source>The plate must have 2 to 10 letters or digits (spaces and dashes are ignored), not &quot;%1&quot;.</source>
        <translation>La matrícula debe tener de 2 a 10 letras o cifras (se ignoran espacios y guiones), no «%1».</translation>
    </message>
    <message>
        <source>The name is required (1 to %1 characters).</source>
        <translation>El nombre es obligatorio (de 1 a %1 caracteres).</translation>
    </message>
    <message>
        <source>The name may have at most %1 characters.</source>
        <translation>El nombre puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>The name may not contain line breaks or control characters.</source>
        <translation>El nombre no puede contener saltos de línea ni caracteres de control.</translation>
    </message>
    <message>
        <source>The phone number may have digits, a leading +, spaces, dashes and parentheses (3 to 15 digits), not &quot;%1&quot;.</source>
        <translation>El número de teléfono puede tener cifras, un + inicial, espacios, guiones y paréntesis (de 3 a 15 cifras), no «%1».</translation>
    </message>
    <message>
        <source>The e-mail address must look like name@example.com, not &quot;%1&quot;.</source>
        <translation>La dirección de correo electrónico debe tener la forma nombre@example.com, no «%1».</translation>
    </message>
    <message>
        <source>The idempotency key must have 1 to %1 printable characters.</source>
        <translation>La clave de idempotencia debe tener de 1 a %1 caracteres imprimibles.</translation>
    </message>
</context>
<context>
    <name>BusyIndicator</name>
    <message>
        <source>Busy</source>
        <translation>Ocupado</translation>
    </message>
</context>
<context>
    <name>CalendarRepo</name>
    <message>
        <source>A closure ends on or after the day it starts (YYYY-MM-DD, --to not before the start).</source>
        <translation>Un cierre termina el mismo día en que empieza o después (AAAA-MM-DD, --to no anterior al inicio).</translation>
    </message>
    <message>
        <source>The reason may have at most %1 characters.</source>
        <translation>El motivo puede tener como máximo %1 caracteres.</translation>
    </message>
    <message>
        <source>There is no closure with ID %1.</source>
        <translation>No hay ningún cierre con el ID %1.</translation>
    </message>
</context>
<context>
    <name>CustomerRepo</name>
    <message>
        <source>Search for a plate, a phone number or part of a name (1 to 100 characters).</source>
        <translation>Busque una matrícula, un número de teléfono o parte de un nombre (de 1 a 100 caracteres).</translation>
    </message>
</context>
<context>
    <name>DatabaseConfigLoader</name>
    <message>
        <source>%1 to %2</source>
        <translation>%1 a %2</translation>
    </message>
    <message>
        <source>%1 to %2 %3</source>
        <translation>%1 a %2 %3</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a number; accepted: %3.</source>
        <translation>%1: «%2» no es un número; se acepta: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is out of range; accepted: %3.</source>
        <translation>%1: %2 está fuera de rango; se acepta: %3.</translation>
    </message>
    <message>
        <source>%1: %2 is above the maximum; using %3.</source>
        <translation>%1: %2 supera el máximo; se usa %3.</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not a yes/no value; accepted: true, false, 1, 0.</source>
        <translation>%1: «%2» no es un valor sí/no; se acepta: true, false, 1, 0.</translation>
    </message>
    <message>
        <source>DATABASE_URL: not a URL; expected postgresql://user:password@host:5432/database.</source>
        <translation>DATABASE_URL: no es una URL; se espera postgresql://usuario:contraseña@host:5432/base_de_datos.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown scheme &quot;%1&quot;; accepted: postgresql://, postgres://.</source>
        <translation>DATABASE_URL: esquema desconocido «%1»; se acepta: postgresql://, postgres://.</translation>
    </message>
    <message>
        <source>DATABASE_URL: host &quot;%1&quot; has no closing bracket.</source>
        <translation>DATABASE_URL: al host «%1» le falta el corchete de cierre.</translation>
    </message>
    <message>
        <source>DATABASE_URL: port &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL: el puerto «%1» no es válido; se acepta: 1 a 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL sslmode: &quot;%1&quot; is not valid; accepted: %2.</source>
        <translation>DATABASE_URL sslmode: «%1» no es válido; se acepta: %2.</translation>
    </message>
    <message>
        <source>DATABASE_URL port: &quot;%1&quot; is not valid; accepted: 1 to 65535.</source>
        <translation>DATABASE_URL port: «%1» no es válido; se acepta: 1 a 65535.</translation>
    </message>
    <message>
        <source>DATABASE_URL %1: not used by this program; ignored.</source>
        <translation>DATABASE_URL %1: este programa no lo usa; se ignora.</translation>
    </message>
    <message>
        <source>DATABASE_URL: unknown parameter &quot;%1&quot; ignored.</source>
        <translation>DATABASE_URL: se ignora el parámetro desconocido «%1».</translation>
    </message>
    <message>
        <source>saved setting %1</source>
        <translation>ajuste guardado %1</translation>
    </message>
</context>
<context>
    <name>DatabaseHealthWatcher</name>
    <message>
        <source>Checking the database…</source>
        <translation>Comprobando la base de datos…</translation>
    </message>
    <message>
        <source>Database busy: all %1 connections are in use.</source>
        <translation>Base de datos ocupada: las %1 conexiones están en uso.</translation>
    </message>
    <message>
        <source>Database unavailable: %1</source>
        <translation>Base de datos no disponible: %1</translation>
    </message>
    <message>
        <source>Checking again every %1 s.</source>
        <translation>Se vuelve a comprobar cada %1 s.</translation>
    </message>
    <message>
        <source>Last reached at %1.</source>
        <translation>Último contacto a las %1.</translation>
    </message>
    <message>
        <source>Database connected (PostgreSQL %1), answered in %2 ms.</source>
        <translation>Base de datos conectada (PostgreSQL %1), respondió en %2 ms.</translation>
    </message>
    <message>
        <source>Connections in use: %1 of %2.</source>
        <translation>Conexiones en uso: %1 de %2.</translation>
    </message>
    <message>
        <source>Average query: %1 ms; errors: %2 %.</source>
        <translation>Consulta media: %1 ms; errores: %2 %.</translation>
    </message>
    <message>
        <source>Alert: %1</source>
        <translation>Alerta: %1</translation>
    </message>
</context>
<context>
    <name>DatabaseSettingsDialog</name>
    <message>
        <source>Database settings</source>
        <translation>Ajustes de la base de datos</translation>
    </message>
    <message>
        <source>DATABASE_URL is set for this program; it takes precedence over the settings saved here.</source>
        <translation>DATABASE_URL está definida para este programa; tiene prioridad sobre los ajustes guardados aquí.</translation>
    </message>
    <message>
        <source>Now using the database built into this computer. Enter a database server to share one database between desks.</source>
        <translation>Ahora se usa la base de datos integrada en este ordenador. Indique un servidor de base de datos para compartir una misma base de datos entre puestos.</translation>
    </message>
    <message>
        <source>Now using %1.</source>
        <translation>Ahora se usa %1.</translation>
    </message>
    <message>
        <source>Saved changes take effect the next time CarWash Desk starts.</source>
        <translation>Los cambios guardados se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Servidor</translation>
    </message>
    <message>
        <source>host name, IP address or socket folder</source>
        <translation>nombre de host, dirección IP o carpeta del socket</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Puerto</translation>
    </message>
    <message>
        <source>Database name</source>
        <translation>Nombre de la base de datos</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Usuario</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Kept in the operating system&apos;s keychain, never in a file.</source>
        <translation>Se guarda en el llavero del sistema operativo, nunca en un archivo.</translation>
    </message>
    <message>
        <source>SSL mode</source>
        <translation>Modo SSL</translation>
    </message>
    <message>
        <source>Default (prefer)</source>
        <translation>Predeterminado (prefer)</translation>
    </message>
    <message>
        <source>Keychain</source>
        <translation>Llavero</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Servidor:</translation>
    </message>
    <message>
        <source>P&amp;ort:</source>
        <translation>Pu&amp;erto:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>&amp;Base de datos:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Usuario:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>&amp;Contraseña:</translation>
    </message>
    <message>
        <source>SS&amp;L mode:</source>
        <translation>Modo SS&amp;L:</translation>
    </message>
    <message>
        <source>Most connections at once</source>
        <translation>Máximo de conexiones simultáneas</translation>
    </message>
    <message>
        <source>Longest wait for a free connection, in seconds</source>
        <translation>Espera máxima hasta que quede libre una conexión, en segundos</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Longest wait to connect, in seconds</source>
        <translation>Espera máxima para conectar, en segundos</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Conexiones</translation>
    </message>
    <message>
        <source>&amp;Most at once:</source>
        <translation>&amp;Máximo simultáneo:</translation>
    </message>
    <message>
        <source>Wait for a free one &amp;up to:</source>
        <translation>Esperar una libre &amp;hasta:</translation>
    </message>
    <message>
        <source>Wait to &amp;connect up to:</source>
        <translation>Esperar para co&amp;nectar hasta:</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Probar conexión</translation>
    </message>
    <message>
        <source>Without a keychain the password cannot be saved. Instead, start CarWash Desk with the password in its environment: %1</source>
        <translation>Sin llavero no se puede guardar la contraseña. En su lugar, inicie CarWash Desk con la contraseña en su entorno: %1</translation>
    </message>
    <message>
        <source>No keychain service is available on this computer. %1
%2</source>
        <translation>No hay ningún servicio de llavero disponible en este ordenador. %1
%2</translation>
    </message>
    <message>
        <source>%1 Unlock the keychain (sign in to the desktop again) and retry.
%2</source>
        <translation>%1 Desbloquee el llavero (vuelva a iniciar sesión en el escritorio) y vuelva a intentarlo.
%2</translation>
    </message>
    <message>
        <source>Looking for a saved password in the keychain…</source>
        <translation>Buscando una contraseña guardada en el llavero…</translation>
    </message>
    <message>
        <source>A password for this database is saved in the keychain.</source>
        <translation>Hay una contraseña guardada en el llavero para esta base de datos.</translation>
    </message>
    <message>
        <source>No password is saved in the keychain for this database.</source>
        <translation>No hay ninguna contraseña guardada en el llavero para esta base de datos.</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Conectando con %1…</translation>
    </message>
    <message>
        <source>Could not connect to %1.
What failed: %2
%3</source>
        <translation>No se pudo conectar con %1.
Qué falló: %2
%3</translation>
    </message>
    <message>
        <source>Connected to PostgreSQL %1 at %2 in %3 ms.</source>
        <translation>Conectado a PostgreSQL %1 en %2 en %3 ms.</translation>
    </message>
    <message>
        <source>The database is empty; CarWash Desk sets it up when it starts with these settings.</source>
        <translation>La base de datos está vacía; CarWash Desk la prepara cuando se inicia con estos ajustes.</translation>
    </message>
    <message>
        <source>It holds CarWash Desk data (schema version %1).</source>
        <translation>Contiene datos de CarWash Desk (versión del esquema %1).</translation>
    </message>
    <message>
        <source>Enter the database server: a host name, an IP address or a socket folder.</source>
        <translation>Indique el servidor de base de datos: un nombre de host, una dirección IP o una carpeta de socket.</translation>
    </message>
    <message>
        <source>Enter the name of the database.</source>
        <translation>Indique el nombre de la base de datos.</translation>
    </message>
    <message>
        <source>Enter the database user.</source>
        <translation>Indique el usuario de la base de datos.</translation>
    </message>
    <message>
        <source>The settings could not be written to %1.</source>
        <translation>No se pudieron escribir los ajustes en %1.</translation>
    </message>
    <message>
        <source>Saving the password in the keychain…</source>
        <translation>Guardando la contraseña en el llavero…</translation>
    </message>
    <message>
        <source>Saved, without a password. They take effect the next time CarWash Desk starts.</source>
        <translation>Guardado, sin contraseña. Los ajustes se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>Saved, with the password in the keychain. They take effect the next time CarWash Desk starts.</source>
        <translation>Guardado, con la contraseña en el llavero. Los ajustes se aplican la próxima vez que se inicie CarWash Desk.</translation>
    </message>
    <message>
        <source>The settings were saved, but not the password.
%1</source>
        <translation>Los ajustes se guardaron, pero la contraseña no.
%1</translation>
    </message>
</context>
<context>
    <name>DatabaseStatusIndicator</name>
    <message>
        <source>Database status</source>
        <translation>Estado de la base de datos</translation>
    </message>
    <message>
        <source>Database: checking</source>
        <translation>Base de datos: comprobando</translation>
    </message>
    <message>
        <source>Database OK</source>
        <translation>Base de datos correcta</translation>
    </message>
    <message>
        <source>Database slow</source>
        <translation>Base de datos lenta</translation>
    </message>
    <message>
        <source>Database unavailable</source>
        <translation>Base de datos no disponible</translation>
    </message>
</context>
<context>
    <name>DbError</name>
    <message>
        <source>The database is unavailable. The program keeps retrying; check that the database server is running.</source>
        <translation>La base de datos no está disponible. El programa sigue reintentándolo; compruebe que el servidor de base de datos está en marcha.</translation>
    </message>
    <message>
        <source>The database was busy and the action could not finish. Please try again.</source>
        <translation>La base de datos estaba ocupada y la acción no pudo completarse. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>That time slot was just taken.</source>
        <translation>Esa franja horaria se acaba de ocupar.</translation>
    </message>
    <message>
        <source>That record already exists.</source>
        <translation>Ese registro ya existe.</translation>
    </message>
    <message>
        <source>The database refused the change because it breaks a rule.</source>
        <translation>La base de datos rechazó el cambio porque incumple una regla.</translation>
    </message>
    <message>
        <source>The database reported an error.</source>
        <translation>La base de datos informó de un error.</translation>
    </message>
    <message>
        <source>No result.</source>
        <translation>Sin resultado.</translation>
    </message>
    <message>
        <source>The database is busy: no connection became free within %1 s. Please try again.</source>
        <translation>La base de datos está ocupada: no quedó libre ninguna conexión en %1 s. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>The program is closing; the action was not run.</source>
        <translation>El programa se está cerrando; la acción no se ha ejecutado.</translation>
    </message>
    <message>
        <source>The PostgreSQL driver for Qt is missing. Install the package libqt6sql6-psql.</source>
        <translation>Falta el controlador de PostgreSQL para Qt. Instale el paquete libqt6sql6-psql.</translation>
    </message>
    <message>
        <source>An internal error stopped the action.</source>
        <translation>Un error interno detuvo la acción.</translation>
    </message>
    <message>
        <source>Nothing was found.</source>
        <translation>No se encontró nada.</translation>
    </message>
</context>
<context>
    <name>DemoSeeder</name>
    <message>
        <source>Express Exterior</source>
        <translation>Exterior Exprés</translation>
    </message>
    <message>
        <source>Soft-touch tunnel wash, spot-free rinse and power dry.</source>
        <translation>Lavado en túnel con cepillos suaves, aclarado sin manchas y secado a presión.</translation>
    </message>
    <message>
        <source>Deluxe Wash</source>
        <translation>Lavado Deluxe</translation>
    </message>
    <message>
        <source>Express plus underbody flush, triple-foam polish and wheel cleaner.</source>
        <translation>Exprés más lavado de bajos, pulido de triple espuma y limpiador de llantas.</translation>
    </message>
    <message>
        <source>Ultimate Shine</source>
        <translation>Brillo Total</translation>
    </message>
    <message>
        <source>Deluxe plus hot carnauba wax, ceramic sealant, tyre shine and rain repellent.</source>
        <translation>Deluxe más cera caliente de carnauba, sellador cerámico, abrillantador de neumáticos y repelente de lluvia.</translation>
    </message>
    <message>
        <source>Interior Detail</source>
        <translation>Limpieza Interior a Fondo</translation>
    </message>
    <message>
        <source>Deep vacuum, seats and mats shampooed, dash and console cleaned, windows inside and out.</source>
        <translation>Aspirado a fondo, asientos y alfombrillas lavados con champú, salpicadero y consola limpios, cristales por dentro y por fuera.</translation>
    </message>
    <message>
        <source>Full Detail</source>
        <translation>Detallado Completo</translation>
    </message>
    <message>
        <source>Hand wash, clay bar and hand wax outside, the complete interior detail inside.</source>
        <translation>Por fuera, lavado a mano, descontaminación con clay bar y encerado a mano; por dentro, la limpieza interior a fondo completa.</translation>
    </message>
    <message>
        <source>Tyre Shine</source>
        <translation>Abrillantador de neumáticos</translation>
    </message>
    <message>
        <source>Hot Carnauba Wax</source>
        <translation>Cera caliente de carnauba</translation>
    </message>
    <message>
        <source>Rain Repellent Glass Treatment</source>
        <translation>Tratamiento repelente de lluvia para cristales</translation>
    </message>
    <message>
        <source>Pet Hair Removal</source>
        <translation>Eliminación de pelo de mascotas</translation>
    </message>
    <message>
        <source>Odour Eliminator</source>
        <translation>Eliminador de olores</translation>
    </message>
    <message>
        <source>Leather Conditioning</source>
        <translation>Tratamiento de cuero</translation>
    </message>
    <message>
        <source>Engine Bay Detail</source>
        <translation>Limpieza del compartimento del motor</translation>
    </message>
    <message>
        <source>Tunnel Lane 1</source>
        <translation>Túnel de lavado 1</translation>
    </message>
    <message>
        <source>Tunnel Lane 2</source>
        <translation>Túnel de lavado 2</translation>
    </message>
    <message>
        <source>Detail Bay A</source>
        <translation>Box de detallado A</translation>
    </message>
    <message>
        <source>Detail Bay B</source>
        <translation>Box de detallado B</translation>
    </message>
    <message>
        <source>Christmas Day</source>
        <translation>Día de Navidad</translation>
    </message>
    <message>
        <source>New Year&apos;s Day</source>
        <translation>Año Nuevo</translation>
    </message>
    <message>
        <source>Sparkle Auto Spa</source>
        <translation>Autolavado Sparkle</translation>
    </message>
</context>
<context>
    <name>DeskApplication</name>
    <message>
        <source>Reading the settings…</source>
        <translation>Leyendo los ajustes…</translation>
    </message>
    <message>
        <source>The database settings are not valid: %1</source>
        <translation>Los ajustes de la base de datos no son válidos: %1</translation>
    </message>
    <message>
        <source>Correct DATABASE_URL or the variables named above, then press Retry.</source>
        <translation>Corrija DATABASE_URL o las variables indicadas arriba y pulse Reintentar.</translation>
    </message>
    <message>
        <source>Reading the database password from the keychain…</source>
        <translation>Leyendo la contraseña de la base de datos del llavero…</translation>
    </message>
    <message>
        <source>Starting the database…</source>
        <translation>Iniciando la base de datos…</translation>
    </message>
    <message>
        <source>Connecting to the database at %1…</source>
        <translation>Conectando con la base de datos en %1…</translation>
    </message>
    <message>
        <source>Preparing the database…</source>
        <translation>Preparando la base de datos…</translation>
    </message>
    <message>
        <source>the database on this computer</source>
        <translation>la base de datos de este ordenador</translation>
    </message>
    <message>
        <source>CarWash Desk cannot reach its database (%1).</source>
        <translation>CarWash Desk no puede acceder a su base de datos (%1).</translation>
    </message>
</context>
<context>
    <name>DeskWindow</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Not connected to the database.</source>
        <translation>Sin conexión con la base de datos.</translation>
    </message>
    <message>
        <source>Database unavailable — retrying</source>
        <translation>Base de datos no disponible — reintentando</translation>
    </message>
    <message>
        <source>CarWash Desk checks again every few seconds and carries on by itself when the database is back; what is on screen stays as it was. If this lasts, check that the database server is running and this computer is on the network.</source>
        <translation>CarWash Desk vuelve a comprobarlo cada pocos segundos y continúa por sí solo cuando vuelve la base de datos; lo que hay en pantalla se mantiene como estaba. Si esto se prolonga, compruebe que el servidor de base de datos está en marcha y que este ordenador está conectado a la red.</translation>
    </message>
    <message>
        <source>CarWash Desk — %1</source>
        <translation>CarWash Desk — %1</translation>
    </message>
    <message>
        <source>%1 was signed out after %2 min without activity.</source>
        <translation>Se cerró la sesión de %1 tras %2 min sin actividad.</translation>
    </message>
</context>
<context>
    <name>EmbeddedServer</name>
    <message>
        <source>The Qt PostgreSQL driver is missing; install it with: apt-get install libqt6sql6-psql</source>
        <translation>Falta el controlador de PostgreSQL para Qt; instálelo con: apt-get install libqt6sql6-psql</translation>
    </message>
    <message>
        <source>Cannot create the folder %1 for the private database; check that it is writable.</source>
        <translation>No se puede crear la carpeta %1 para la base de datos privada; compruebe que se puede escribir en ella.</translation>
    </message>
    <message>
        <source>The private database server did not stop. Read %1 for the reason, then try again.</source>
        <translation>El servidor de la base de datos privada no se detuvo. Consulte %1 para ver el motivo y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>PostgreSQL server binaries not found; install them with: apt-get install postgresql postgresql-contrib</source>
        <translation>No se encuentran los programas del servidor PostgreSQL; instálelos con: apt-get install postgresql postgresql-contrib</translation>
    </message>
    <message>
        <source>The private database was created by PostgreSQL %1, but the installed server is PostgreSQL %2; install the matching server with: apt-get install postgresql-%1</source>
        <translation>La base de datos privada se creó con PostgreSQL %1, pero el servidor instalado es PostgreSQL %2; instale el servidor correspondiente con: apt-get install postgresql-%1</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root and the postgres system user does not exist; install the server with: apt-get install postgresql postgresql-contrib, or run the program as an ordinary user.</source>
        <translation>PostgreSQL se niega a ejecutarse como root y el usuario de sistema postgres no existe; instale el servidor con: apt-get install postgresql postgresql-contrib, o ejecute el programa como usuario normal.</translation>
    </message>
    <message>
        <source>PostgreSQL refuses to run as root, and runuser, needed to start it as the postgres user, is missing; install it with: apt-get install util-linux</source>
        <translation>PostgreSQL se niega a ejecutarse como root y falta runuser, necesario para iniciarlo como el usuario postgres; instálelo con: apt-get install util-linux</translation>
    </message>
    <message>
        <source>Cannot prepare the folder %1 for the private database; check its owner and permissions, or remove it and start the program again.</source>
        <translation>No se puede preparar la carpeta %1 para la base de datos privada; compruebe su propietario y sus permisos, o elimínela y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>CarWash Desk keeps its private PostgreSQL database in the folder above. PostgreSQL refuses to run as root, so the server runs as the postgres system user, which cannot enter this folder.</source>
        <translation>CarWash Desk guarda su base de datos PostgreSQL privada en la carpeta indicada arriba. PostgreSQL se niega a ejecutarse como root, así que el servidor se ejecuta como el usuario de sistema postgres, que no puede entrar en esta carpeta.</translation>
    </message>
    <message>
        <source>The folder %1 is not empty but holds no PostgreSQL database; move it away and start the program again.</source>
        <translation>La carpeta %1 no está vacía, pero no contiene ninguna base de datos PostgreSQL; muévala a otro sitio y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database could not be created in %1. Check that the disk has free space and the folder is writable, then start the program again.</source>
        <translation>No se pudo crear la base de datos privada en %1. Compruebe que hay espacio libre en el disco y que se puede escribir en la carpeta, y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>Cannot write the settings of the private database in %1; check that the disk has free space.</source>
        <translation>No se pueden escribir los ajustes de la base de datos privada en %1; compruebe que hay espacio libre en el disco.</translation>
    </message>
    <message>
        <source>Cannot move the new database into %1; check the folder&apos;s permissions.</source>
        <translation>No se puede mover la nueva base de datos a %1; compruebe los permisos de la carpeta.</translation>
    </message>
    <message>
        <source>Cannot give the settings file %1 to the postgres user.</source>
        <translation>No se puede ceder el archivo de ajustes %1 al usuario postgres.</translation>
    </message>
    <message>
        <source>Processes of an earlier database server are still running in %1; wait a moment or end them, then start the program again.</source>
        <translation>Todavía hay procesos de un servidor de base de datos anterior en marcha en %1; espere un momento o termínelos y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database server did not start. Read %1 for the reason; if the disk is full or the folder is not writable, fix that and start the program again.</source>
        <translation>El servidor de la base de datos privada no arrancó. Consulte %1 para ver el motivo; si el disco está lleno o no se puede escribir en la carpeta, corríjalo y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The private database server is running but does not accept connections. Read %1 for the reason, then start the program again.</source>
        <translation>El servidor de la base de datos privada está en marcha, pero no acepta conexiones. Consulte %1 para ver el motivo y vuelva a iniciar el programa.</translation>
    </message>
    <message>
        <source>The PostgreSQL extension btree_gist is missing; install it with: apt-get install postgresql-contrib</source>
        <translation>Falta la extensión btree_gist de PostgreSQL; instálela con: apt-get install postgresql-contrib</translation>
    </message>
    <message>
        <source>Cannot create the lock file %1; check that the folder is writable.</source>
        <translation>No se puede crear el archivo de bloqueo %1; compruebe que se puede escribir en la carpeta.</translation>
    </message>
    <message>
        <source>Another CarWash Desk program is still starting or stopping the private database. Wait a moment and try again; if this persists, close the other programs and remove %1.</source>
        <translation>Otro programa de CarWash Desk todavía está iniciando o deteniendo la base de datos privada. Espere un momento y vuelva a intentarlo; si el problema persiste, cierre los demás programas y elimine %1.</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Reintentar</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Reintentar</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Descartar</translation>
    </message>
    <message>
        <source>Dismiss this message</source>
        <translation>Descartar este mensaje</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Check that the database server is running and this computer is on the network, then press Retry.</source>
        <translation>Compruebe que el servidor de base de datos está en marcha y que este ordenador está conectado a la red, y pulse Reintentar.</translation>
    </message>
    <message>
        <source>The database is busy. Wait a moment and press Retry.</source>
        <translation>La base de datos está ocupada. Espere un momento y pulse Reintentar.</translation>
    </message>
    <message>
        <source>The database settings are not right. A manager can correct them under Settings, or start the program with DATABASE_URL set.</source>
        <translation>Los ajustes de la base de datos no son correctos. Un gerente puede corregirlos en Ajustes, o inicie el programa con DATABASE_URL definida.</translation>
    </message>
    <message>
        <source>The program is closing.</source>
        <translation>El programa se está cerrando.</translation>
    </message>
    <message>
        <source>Check what you entered and try again.</source>
        <translation>Compruebe los datos introducidos y vuelva a intentarlo.</translation>
    </message>
    <message>
        <source>Press Retry. If it happens again, tell your manager: %1</source>
        <translation>Pulse Reintentar. Si vuelve a ocurrir, comuníqueselo a su gerente: %1</translation>
    </message>
    <message>
        <source>%1
Detail: %2</source>
        <translation>%1
Detalle: %2</translation>
    </message>
</context>
<context>
    <name>KeychainRequest</name>
    <message>
        <source>There is no desktop session bus (D-Bus) to reach a keychain through (%1).</source>
        <translation>No hay ningún bus de sesión del escritorio (D-Bus) a través del cual llegar a un llavero (%1).</translation>
    </message>
    <message>
        <source>The desktop session bus (D-Bus) does not answer.</source>
        <translation>El bus de sesión del escritorio (D-Bus) no responde.</translation>
    </message>
    <message>
        <source>No keychain service (GNOME Keyring, KWallet or another Secret Service) runs in this session.</source>
        <translation>En esta sesión no se ejecuta ningún servicio de llavero (GNOME Keyring, KWallet u otro Secret Service).</translation>
    </message>
    <message numerus="yes">
        <source>The keychain did not answer within %n second(s). It may be locked and waiting for a password prompt that nobody can see.</source>
        <translation>
            <numerusform>El llavero no respondió en %n segundo. Puede que esté bloqueado, esperando una petición de contraseña que nadie ve.</numerusform>
            <numerusform>El llavero no respondió en %n segundos. Puede que esté bloqueado, esperando una petición de contraseña que nadie ve.</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing is stored in the keychain under %1.</source>
        <translation>No hay nada guardado en el llavero con el nombre %1.</translation>
    </message>
    <message>
        <source>The keychain refused access: %1</source>
        <translation>El llavero denegó el acceso: %1</translation>
    </message>
    <message>
        <source>No keychain service is available: %1</source>
        <translation>No hay ningún servicio de llavero disponible: %1</translation>
    </message>
    <message>
        <source>The keychain reported an error: %1</source>
        <translation>El llavero informó de un error: %1</translation>
    </message>
</context>
<context>
    <name>Migrator</name>
    <message>
        <source>The program carries a badly named migration file (%1).</source>
        <translation>El programa incluye un archivo de migración con un nombre incorrecto (%1).</translation>
    </message>
    <message>
        <source>The program carries two migrations numbered %1.</source>
        <translation>El programa incluye dos migraciones con el número %1.</translation>
    </message>
    <message>
        <source>The program carries no database migrations.</source>
        <translation>El programa no incluye ninguna migración de base de datos.</translation>
    </message>
    <message>
        <source>The migration %1 could not be read.</source>
        <translation>No se pudo leer la migración %1.</translation>
    </message>
</context>
<context>
    <name>OpeningHours</name>
    <message>
        <source>Accepted: HH:MM-HH:MM, several separated by commas for breaks (for example 08:00-12:00,12:30-19:00; 24:00 may close a day), or &quot;closed&quot;.</source>
        <translation>Se acepta: HH:MM-HH:MM, varios separados por comas si hay pausas (por ejemplo 08:00-12:00,12:30-19:00; 24:00 puede cerrar un día), o «closed».</translation>
    </message>
    <message>
        <source>The opening hours are empty. %1</source>
        <translation>El horario de apertura está vacío. %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a time range. %2</source>
        <translation>«%1» no es un intervalo horario. %2</translation>
    </message>
    <message>
        <source>In &quot;%1&quot; the closing time is not after the opening time. %2</source>
        <translation>En «%1» la hora de cierre no es posterior a la de apertura. %2</translation>
    </message>
    <message>
        <source>The ranges %1-%2 and %3-%4 overlap. %5</source>
        <translation>Los intervalos %1-%2 y %3-%4 se solapan. %5</translation>
    </message>
</context>
<context>
    <name>PlanningContext</name>
    <message>
        <source>There is no service with ID %1 (see: carwash-admin services).</source>
        <translation>No hay ningún servicio con el ID %1 (véase: carwash-admin services).</translation>
    </message>
    <message>
        <source>%1 is not offered at the moment.</source>
        <translation>%1 no se ofrece en este momento.</translation>
    </message>
    <message>
        <source>%1 has no prices yet, so it cannot be booked.</source>
        <translation>%1 todavía no tiene precios, así que no se puede reservar.</translation>
    </message>
    <message>
        <source>%1 is not offered for a %2; it is offered for: %3.</source>
        <translation>%1 no se ofrece para la clase de vehículo %2; se ofrece para: %3.</translation>
    </message>
    <message>
        <source>There is no add-on with ID %1.</source>
        <translation>No hay ningún extra con el ID %1.</translation>
    </message>
    <message>
        <source>%1 cannot be added to %2 (see: carwash-admin service %3).</source>
        <translation>%1 no se puede añadir a %2 (véase: carwash-admin service %3).</translation>
    </message>
    <message>
        <source>There is no bay with ID %1.</source>
        <translation>No hay ningún box con el ID %1.</translation>
    </message>
    <message>
        <source>%1 is closed at the moment.</source>
        <translation>%1 está cerrado en este momento.</translation>
    </message>
    <message>
        <source>%1 does not offer %2.</source>
        <translation>%1 no ofrece %2.</translation>
    </message>
</context>
<context>
    <name>SessionHeader</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>Sesión iniciada</translation>
    </message>
    <message>
        <source>S&amp;taff…</source>
        <translation>&amp;Personal…</translation>
    </message>
    <message>
        <source>Manage staff</source>
        <translation>Gestionar el personal</translation>
    </message>
    <message>
        <source>Add people and reset PINs (managers)</source>
        <translation>Añadir personas y restablecer PIN (gerentes)</translation>
    </message>
    <message>
        <source>S&amp;ettings…</source>
        <translation>&amp;Ajustes…</translation>
    </message>
    <message>
        <source>Database settings</source>
        <translation>Ajustes de la base de datos</translation>
    </message>
    <message>
        <source>Database connection and password (managers)</source>
        <translation>Conexión y contraseña de la base de datos (gerentes)</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>&amp;Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Cerrar sesión</translation>
    </message>
    <message>
        <source>Sign out (Ctrl+Shift+L)</source>
        <translation>Cerrar sesión (Ctrl+Mayús+L)</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Who is signing in?</source>
        <translation>¿Quién inicia sesión?</translation>
    </message>
    <message>
        <source>Choose your name, type your PIN and press Enter.</source>
        <translation>Elija su nombre, escriba su PIN y pulse Intro.</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Choose your name, then type your PIN.</source>
        <translation>Elija su nombre y escriba su PIN.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits; press Enter to sign in.</source>
        <translation>De %1 a %2 cifras; pulse Intro para iniciar sesión.</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>De %1 a %2 cifras</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>Sign-in message</source>
        <translation>Mensaje de inicio de sesión</translation>
    </message>
    <message>
        <source>Loading staff…</source>
        <translation>Cargando el personal…</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>No se pudo cargar la lista del personal. %1</translation>
    </message>
    <message>
        <source>Nobody can sign in yet: the staff list is empty. For a demo car wash, run &quot;carwash-admin seed --demo&quot;; otherwise ask your administrator.</source>
        <translation>Todavía no puede iniciar sesión nadie: la lista del personal está vacía. Para un autolavado de demostración, ejecute «carwash-admin seed --demo»; si no, consulte a su administrador.</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Bloqueado, queda %1</translation>
    </message>
    <message>
        <source>%1 is locked after %2 wrong PINs. Try again in %3, or ask a manager to reset the PIN.</source>
        <translation>%1 está bloqueado tras %2 PIN incorrectos. Vuelva a intentarlo dentro de %3 o pida a un gerente que restablezca el PIN.</translation>
    </message>
    <message>
        <source>Checking PIN…</source>
        <translation>Comprobando el PIN…</translation>
    </message>
    <message>
        <source>Choose your name in the list first.</source>
        <translation>Primero elija su nombre en la lista.</translation>
    </message>
    <message>
        <source>Type your PIN: %1 to %2 digits.</source>
        <translation>Escriba su PIN: de %1 a %2 cifras.</translation>
    </message>
    <message>
        <source>Signing in failed. %1</source>
        <translation>No se pudo iniciar sesión. %1</translation>
    </message>
    <message numerus="yes">
        <source>That PIN is not right. %n more wrong PIN(s) and %1 is locked for %2 minutes.</source>
        <translation>
            <numerusform>PIN incorrecto. Con %n PIN incorrecto más, %1 quedará bloqueado durante %2 minutos.</numerusform>
            <numerusform>PIN incorrecto. Con %n PIN incorrectos más, %1 quedará bloqueado durante %2 minutos.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 can no longer sign in here. Ask a manager.</source>
        <translation>%1 ya no puede iniciar sesión aquí. Consulte a un gerente.</translation>
    </message>
</context>
<context>
    <name>SiteSettings</name>
    <message>
        <source>an IANA time zone such as Europe/Berlin or America/New_York</source>
        <translation>una zona horaria IANA, como Europe/Madrid o America/Mexico_City</translation>
    </message>
    <message>
        <source>a whole number from %1 to %2</source>
        <translation>un número entero de %1 a %2</translation>
    </message>
    <message>
        <source>the site&apos;s time zone; opening hours and slots are in it</source>
        <translation>la zona horaria del local; el horario de apertura y las franjas se expresan en ella</translation>
    </message>
    <message>
        <source>minutes between possible start times</source>
        <translation>minutos entre horas de inicio posibles</translation>
    </message>
    <message>
        <source>cleanup minutes a bay stays busy after each booking</source>
        <translation>minutos de limpieza que un box sigue ocupado tras cada reserva</translation>
    </message>
    <message>
        <source>minutes between now and the earliest bookable start</source>
        <translation>minutos entre ahora y el primer inicio reservable</translation>
    </message>
    <message>
        <source>how many days ahead bookings may be made</source>
        <translation>con cuántos días de antelación se puede reservar</translation>
    </message>
    <message>
        <source>minutes an unpaid kiosk hold keeps its slot</source>
        <translation>minutos que una reserva provisional del quiosco sin pagar retiene su franja</translation>
    </message>
    <message>
        <source>Unknown setting &quot;%1&quot;. Settable keys: %2.</source>
        <translation>Ajuste desconocido: «%1». Claves que se pueden cambiar: %2.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not one.</source>
        <translation>%1 debe ser %2; «%3» no lo es.</translation>
    </message>
    <message>
        <source>%1 must be %2; &quot;%3&quot; is not.</source>
        <translation>%1 debe ser %2; «%3» no lo es.</translation>
    </message>
</context>
<context>
    <name>SlotPlanner</name>
    <message>
        <source>The car wash is closed on %1.</source>
        <translation>El autolavado está cerrado el %1.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is too far ahead: bookings can be made up to %n day(s) ahead.</source>
        <translation>
            <numerusform>%1 está demasiado lejos: se puede reservar con hasta %n día de antelación.</numerusform>
            <numerusform>%1 está demasiado lejos: se puede reservar con hasta %n días de antelación.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 is outside the opening hours of %2 (%3), or the wash would not end by closing time.</source>
        <translation>%1 está fuera del horario de apertura (%2: %3), o el lavado no terminaría antes del cierre.</translation>
    </message>
    <message numerus="yes">
        <source>%1 is not a start time: starts are every %n minute(s) from the opening time.</source>
        <translation>
            <numerusform>%1 no es una hora de inicio: se empieza cada %n minuto desde la hora de apertura.</numerusform>
            <numerusform>%1 no es una hora de inicio: se empieza cada %n minutos desde la hora de apertura.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is in the past or sooner than the minimum notice of %n minute(s).</source>
        <translation>
            <numerusform>%1 ya ha pasado o no respeta la antelación mínima de %n minuto.</numerusform>
            <numerusform>%1 ya ha pasado o no respeta la antelación mínima de %n minutos.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StaffDialog</name>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>&amp;Add person…</source>
        <translation>&amp;Añadir persona…</translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation>Añadir una persona</translation>
    </message>
    <message>
        <source>&amp;New PIN…</source>
        <translation>&amp;Nuevo PIN…</translation>
    </message>
    <message>
        <source>Give the selected person a new PIN</source>
        <translation>Dar un PIN nuevo a la persona seleccionada</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The staff list could not be loaded. %1</source>
        <translation>No se pudo cargar la lista del personal. %1</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>No longer active</source>
        <translation>Ya no está activo</translation>
    </message>
    <message>
        <source>Locked, %1 left</source>
        <translation>Bloqueado, queda %1</translation>
    </message>
</context>
<context>
    <name>StaffFormDialog</name>
    <message>
        <source>Add a person</source>
        <translation>Añadir una persona</translation>
    </message>
    <message>
        <source>New PIN for %1</source>
        <translation>Nuevo PIN para %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nombre:</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rol:</translation>
    </message>
    <message>
        <source>%1 (%2). A new PIN also lifts a lock-out.</source>
        <translation>%1 (%2). Un PIN nuevo también quita el bloqueo.</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>%1 to %2 digits</source>
        <translation>De %1 a %2 cifras</translation>
    </message>
    <message>
        <source>&amp;PIN:</source>
        <translation>&amp;PIN:</translation>
    </message>
    <message>
        <source>PIN again</source>
        <translation>Repetir PIN</translation>
    </message>
    <message>
        <source>PIN &amp;again:</source>
        <translation>Repetir P&amp;IN:</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problema</translation>
    </message>
    <message>
        <source>&amp;Add person</source>
        <translation>&amp;Añadir persona</translation>
    </message>
    <message>
        <source>&amp;Set new PIN</source>
        <translation>&amp;Establecer nuevo PIN</translation>
    </message>
    <message>
        <source>Type the person&apos;s name.</source>
        <translation>Escriba el nombre de la persona.</translation>
    </message>
    <message>
        <source>The two PINs are not the same. Type it again in both fields.</source>
        <translation>Los dos PIN no coinciden. Vuelva a escribirlo en ambos campos.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Añadiendo…</translation>
    </message>
    <message>
        <source>Saving the new PIN…</source>
        <translation>Guardando el nuevo PIN…</translation>
    </message>
    <message>
        <source>Someone called %1 is already on the staff list.</source>
        <translation>Ya hay alguien llamado %1 en la lista del personal.</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message>
        <source>%1 was added (%2).</source>
        <translation>Se añadió a %1 (%2).</translation>
    </message>
    <message>
        <source>%1 has a new PIN.</source>
        <translation>%1 tiene un PIN nuevo.</translation>
    </message>
</context>
<context>
    <name>StaffRepo</name>
    <message>
        <source>A PIN is %1 to %2 digits, nothing else.</source>
        <translation>Un PIN tiene de %1 a %2 cifras, nada más.</translation>
    </message>
    <message>
        <source>Only a manager who is still active can change staff.</source>
        <translation>Solo un gerente que siga activo puede cambiar el personal.</translation>
    </message>
    <message>
        <source>A name is 1 to 100 characters.</source>
        <translation>Un nombre tiene de 1 a 100 caracteres.</translation>
    </message>
    <message>
        <source>That person is no longer on the staff list.</source>
        <translation>Esa persona ya no figura en la lista del personal.</translation>
    </message>
</context>
<context>
    <name>StaffText</name>
    <message>
        <source>Staff</source>
        <translation>Empleado</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Gerente</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
</context>
<context>
    <name>StartupPage</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>Start-up status</source>
        <translation>Estado del arranque</translation>
    </message>
</context>
<context>
    <name>TodayPage</name>
    <message>
        <source>Wash menu</source>
        <translation>Carta de lavados</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualizar</translation>
    </message>
    <message>
        <source>Refresh the wash menu</source>
        <translation>Actualizar la carta de lavados</translation>
    </message>
    <message>
        <source>Load the wash menu again (F5)</source>
        <translation>Volver a cargar la carta de lavados (F5)</translation>
    </message>
    <message>
        <source>Wash packages with their time, price per vehicle and add-ons</source>
        <translation>Paquetes de lavado con su duración, precio por vehículo y extras</translation>
    </message>
    <message>
        <source>Package</source>
        <translation>Paquete</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Car</source>
        <translation>Turismo</translation>
    </message>
    <message>
        <source>SUV</source>
        <translation>SUV</translation>
    </message>
    <message>
        <source>Truck</source>
        <translation>Camioneta</translation>
    </message>
    <message>
        <source>Add-ons</source>
        <translation>Extras</translation>
    </message>
    <message>
        <source>No wash packages are set up yet. Ask your manager to add them.</source>
        <translation>Todavía no hay paquetes de lavado configurados. Pida a su gerente que los añada.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The wash menu could not be loaded. %1</source>
        <translation>No se pudo cargar la carta de lavados. %1</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>Hoy, %1</translation>
    </message>
    <message>
        <source>Updated %1</source>
        <translation>Actualizado: %1</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n min</numerusform>
            <numerusform>%n min</numerusform>
        </translation>
    </message>
    <message>
        <source>not offered</source>
        <translation>no se ofrece</translation>
    </message>
    <message>
        <source>%1 +%2</source>
        <translation>%1 +%2</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>CarWash Desk</source>
        <translation>CarWash Desk</translation>
    </message>
    <message>
        <source>The front desk of a car wash. Database: DATABASE_URL, the saved settings, or the private database on this computer.</source>
        <translation>El mostrador de un autolavado. Base de datos: DATABASE_URL, los ajustes guardados o la base de datos privada de este ordenador.</translation>
    </message>
    <message>
        <source>Save a picture of the window to PATH and quit.</source>
        <translation>Guardar una imagen de la ventana en PATH y salir.</translation>
    </message>
    <message>
        <source>With --screenshot: sign in as NAME (PIN from CARWASH_PIN) first.</source>
        <translation>Con --screenshot: iniciar sesión antes como NAME (PIN tomado de CARWASH_PIN).</translation>
    </message>
    <message>
        <source>With --screenshot: the state to show: settings or staff (a manager&apos;s dialog), locked (--sign-in NAME with a wrong PIN), start-failure.</source>
        <translation>Con --screenshot: el estado que se muestra: settings o staff (un diálogo de gerente), locked (--sign-in NAME con un PIN incorrecto), start-failure.</translation>
    </message>
</context>
</TS>
