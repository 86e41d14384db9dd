// The strftime API (mod_dptools): "[<epoch>|]<format>" in the server's local time. Enough of C's strftime
// for dialplans (BBB's public context exports an RFC 2822 date with it on every inbound call).

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

function offset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

function dayOfYear(d: Date): number {
  const start = new Date(d.getFullYear(), 0, 1);
  return Math.floor((d.getTime() - start.getTime()) / 86_400_000) + 1;
}

function format(fmt: string, d: Date): string {
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'a': return (DAYS[d.getDay()] ?? '').slice(0, 3);
      case 'A': return DAYS[d.getDay()] ?? '';
      case 'b':
      case 'h': return (MONTHS[d.getMonth()] ?? '').slice(0, 3);
      case 'B': return MONTHS[d.getMonth()] ?? '';
      case 'd': return pad(d.getDate());
      case 'e': return pad(d.getDate(), 2, ' ');
      case 'H': return pad(d.getHours());
      case 'I': return pad(((d.getHours() + 11) % 12) + 1);
      case 'j': return pad(dayOfYear(d), 3);
      case 'm': return pad(d.getMonth() + 1);
      case 'M': return pad(d.getMinutes());
      case 'p': return d.getHours() < 12 ? 'AM' : 'PM';
      case 'S': return pad(d.getSeconds());
      case 's': return String(Math.floor(d.getTime() / 1000));
      case 'T': return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      case 'F': return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
      case 'D': return `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${pad(d.getFullYear() % 100)}`;
      case 'R': return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
      case 'u': return String(d.getDay() === 0 ? 7 : d.getDay());
      case 'w': return String(d.getDay());
      case 'y': return pad(d.getFullYear() % 100);
      case 'Y': return String(d.getFullYear());
      case 'z': return offset(d);
      case 'Z': return offset(d);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return m;
    }
  });
}

/** strftime API: an optional "<epoch>|" prefix selects the time, else `now`. */
export function strftime(args: string, now: Date): string {
  const m = /^(\d{9,})\|(.*)$/s.exec(args);
  const when = m && m[1] !== undefined ? new Date(Number(m[1]) * 1000) : now;
  const fmt = m && m[2] !== undefined ? m[2] : args;
  return format(fmt === '' ? '%Y-%m-%d %T' : fmt, when);
}
