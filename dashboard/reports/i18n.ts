// Report strings in English, French and Portuguese, number/money/byte formatting per language, the
// methodology texts and the headline sentences. Pure: output is plain text (renderers escape it).
import type { ReportLang, ReportModel } from './model.ts';

const LOCALE: Record<ReportLang, string> = { en: 'en-GB', fr: 'fr-FR', pt: 'pt-PT' };

/** Labels used by the renderers. */
export const STRINGS = {
  en: {
    title: 'Impact report', month: 'Month', generated: 'Generated', headlines: 'Headlines', traffic: 'Traffic exchanged locally',
    growthPrev: 'vs previous month', growthYear: 'vs same month last year', peak: 'Peak (5-minute average)', p95: '95th percentile (billable)',
    p95In: 'P95 in', p95Out: 'P95 out', saved: 'International transit saved', savedGross: 'Gross', savedNet: 'Net of port fees',
    portFees: 'Port fees', peakMethod: 'Peak × price (older method, for comparison only)', content: 'Local content share', trend: 'Trend (12 months)',
    members: 'Members', newMembers: 'New members', none: 'none', capacity: 'Port capacity', utilisation: 'Utilisation',
    meanUtil: 'mean', p95Util: '95th percentile', peakUtil: 'peak', availability: 'Availability', trafficFlowing: 'Traffic flowing',
    collectors: 'Collectors reporting', notRecorded: 'not recorded (imported history)', methodology: 'Methodology', coverage: 'Coverage',
    resolution: 'Resolution', sources: 'Data sources', member: 'Member', category: 'Category', bytes: 'Bytes', ports: 'Ports',
    chartTraffic: 'Aggregate traffic (hourly average, in and out)', chartMonthly: 'Traffic per month and local content share', chartSavings: 'Transit saved per member',
    inLabel: 'in', outLabel: 'out', total: 'Total', yes: 'yes', no: 'no', buysTransit: 'Buys transit', incomplete: 'month in progress: figures up to now',
    srcPoll: 'SNMP polls of the collector', srcMrtg: 'imported MRTG history (coarser than 5 minutes where older)', srcDemo: 'simulated demo data', noData: 'no data',
  },
  fr: {
    title: "Rapport d'impact", month: 'Mois', generated: 'Généré le', headlines: 'Chiffres clés', traffic: 'Trafic échangé localement',
    growthPrev: 'par rapport au mois précédent', growthYear: "par rapport au même mois l'an dernier", peak: 'Pointe (moyenne sur 5 minutes)', p95: '95e centile (facturable)',
    p95In: 'P95 entrant', p95Out: 'P95 sortant', saved: 'Transit international économisé', savedGross: 'Brut', savedNet: 'Net des frais de port',
    portFees: 'Frais de port', peakMethod: 'Pointe × prix (ancienne méthode, pour comparaison)', content: 'Part du contenu local', trend: 'Tendance (12 mois)',
    members: 'Membres', newMembers: 'Nouveaux membres', none: 'aucun', capacity: 'Capacité des ports', utilisation: 'Utilisation',
    meanUtil: 'moyenne', p95Util: '95e centile', peakUtil: 'pointe', availability: 'Disponibilité', trafficFlowing: 'Trafic présent',
    collectors: 'Collecteurs actifs', notRecorded: 'non enregistré (historique importé)', methodology: 'Méthodologie', coverage: 'Couverture',
    resolution: 'Résolution', sources: 'Sources des données', member: 'Membre', category: 'Catégorie', bytes: 'Octets', ports: 'Ports',
    chartTraffic: 'Trafic agrégé (moyenne horaire, entrant et sortant)', chartMonthly: 'Trafic par mois et part du contenu local', chartSavings: 'Transit économisé par membre',
    inLabel: 'entrant', outLabel: 'sortant', total: 'Total', yes: 'oui', no: 'non', buysTransit: 'Achète du transit', incomplete: "mois en cours : chiffres jusqu'à maintenant",
    srcPoll: 'relevés SNMP du collecteur', srcMrtg: 'historique MRTG importé (plus grossier que 5 minutes pour les périodes anciennes)', srcDemo: 'données de démonstration simulées', noData: 'aucune donnée',
  },
  pt: {
    title: 'Relatório de impacto', month: 'Mês', generated: 'Gerado em', headlines: 'Destaques', traffic: 'Tráfego trocado localmente',
    growthPrev: 'face ao mês anterior', growthYear: 'face ao mesmo mês do ano anterior', peak: 'Pico (média de 5 minutos)', p95: 'Percentil 95 (faturável)',
    p95In: 'P95 entrada', p95Out: 'P95 saída', saved: 'Trânsito internacional poupado', savedGross: 'Bruto', savedNet: 'Líquido das taxas de porta',
    portFees: 'Taxas de porta', peakMethod: 'Pico × preço (método antigo, só para comparação)', content: 'Quota de conteúdo local', trend: 'Tendência (12 meses)',
    members: 'Membros', newMembers: 'Novos membros', none: 'nenhum', capacity: 'Capacidade das portas', utilisation: 'Utilização',
    meanUtil: 'média', p95Util: 'percentil 95', peakUtil: 'pico', availability: 'Disponibilidade', trafficFlowing: 'Tráfego a circular',
    collectors: 'Coletores a reportar', notRecorded: 'não registado (histórico importado)', methodology: 'Metodologia', coverage: 'Cobertura',
    resolution: 'Resolução', sources: 'Fontes de dados', member: 'Membro', category: 'Categoria', bytes: 'Bytes', ports: 'Portas',
    chartTraffic: 'Tráfego agregado (média horária, entrada e saída)', chartMonthly: 'Tráfego por mês e quota de conteúdo local', chartSavings: 'Trânsito poupado por membro',
    inLabel: 'entrada', outLabel: 'saída', total: 'Total', yes: 'sim', no: 'não', buysTransit: 'Compra trânsito', incomplete: 'mês em curso: valores até agora',
    srcPoll: 'consultas SNMP do coletor', srcMrtg: 'histórico MRTG importado (mais grosseiro do que 5 minutos nos períodos antigos)', srcDemo: 'dados de demonstração simulados', noData: 'sem dados',
  },
} as const satisfies Record<ReportLang, Record<string, string>>;

export type Strings = (typeof STRINGS)['en'];

/** Formatters for one language. */
export function formatters(lang: ReportLang, currency: string) {
  const loc = LOCALE[lang];
  const num = (v: number, digits = 1) => new Intl.NumberFormat(loc, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(v);
  return {
    num,
    int: (v: number) => new Intl.NumberFormat(loc, { maximumFractionDigits: 0 }).format(v),
    money: (v: number) => new Intl.NumberFormat(loc, { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(v),
    pct: (v: number | null) => (v === null ? '–' : new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(v)),
    signedPct: (v: number | null) => (v === null ? '–' : new Intl.NumberFormat(loc, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1, signDisplay: 'exceptZero' }).format(v)),
    mbps: (v: number | null) => (v === null ? '–' : `${num(v, v >= 100 ? 0 : 1)} Mbit/s`),
    bytes: (v: number) => {
      const units = lang === 'fr' ? ['o', 'ko', 'Mo', 'Go', 'To', 'Po'] : ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
      let i = 0;
      let x = v;
      while (x >= 1000 && i < units.length - 1) { x /= 1000; i++; }
      return `${num(x, i === 0 ? 0 : 1)} ${units[i]}`;
    },
    month: (m: string) => {
      const [y, mo] = m.split('-').map(Number) as [number, number];
      return new Intl.DateTimeFormat(loc, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, 15)));
    },
    resolution: (s: number) => (s < 3600 ? `${s / 60} min` : s < 86400 ? `${s / 3600} h` : `${s / 86400} ${lang === 'en' ? 'day' : lang === 'fr' ? 'jour' : 'dia'}`),
  };
}

/** The methodology texts of a report, in its language. */
export function methodTexts(lang: ReportLang): Pick<ReportModel['method'], 'p95' | 'transitSaved' | 'netSaved' | 'localContentShare' | 'coverage'> {
  if (lang === 'fr') return {
    p95: "95e centile comme le transit est facturé : moyennes sur 5 minutes du mois, entrant et sortant séparément, les 5 % les plus hauts écartés, la plus haute valeur restante ; le chiffre facturable est le plus élevé des deux. Les mesures manquantes ne comptent pas comme des zéros.",
    transitSaved: "Pour chaque membre qui achète du transit international : 95e centile facturable de son trafic à l'IXP (ses ports additionnés) × son prix de transit par Mbit/s et par mois. Les caches de contenu et serveurs de routes n'économisent rien eux-mêmes (leur trafic compte déjà sur les ports des FAI). Total = somme des membres.",
    netSaved: "Économie brute moins les frais de port que le membre paie à l'IXP pour le mois (méthode de l'étude ISOC Kenya/Nigeria 2020).",
    localContentShare: "Octets envoyés dans l'IXP par les membres de catégorie contenu, divisés par tous les octets envoyés.",
    coverage: "Part du mois couverte par des mesures. Un chiffre avec une couverture de 60 % est une estimation sur 60 % du mois.",
  };
  if (lang === 'pt') return {
    p95: 'Percentil 95 como o trânsito é faturado: médias de 5 minutos do mês, entrada e saída em separado, descartados os 5 % mais altos, o valor mais alto restante; o valor faturável é o maior dos dois. Amostras em falta não contam como zeros.',
    transitSaved: 'Para cada membro que compra trânsito internacional: percentil 95 faturável do seu tráfego no IXP (as suas portas somadas) × o seu preço de trânsito por Mbit/s por mês. Caches de conteúdo e servidores de rotas não poupam nada (o seu tráfego já conta nas portas dos ISP). Total = soma dos membros.',
    netSaved: 'Poupança bruta menos as taxas de porta que o membro paga ao IXP no mês (método do estudo ISOC Quénia/Nigéria de 2020).',
    localContentShare: 'Bytes enviados para o IXP pelos membros da categoria conteúdo, divididos por todos os bytes enviados.',
    coverage: 'Parte do mês coberta por medições. Um valor com 60 % de cobertura é uma estimativa sobre 60 % do mês.',
  };
  return {
    p95: "95th percentile as transit is billed: the month's 5-minute averages, inbound and outbound separately, the top 5% dropped, the highest left; the billable figure is the higher of the two. Missing samples are not zeros.",
    transitSaved: "For each member that buys international transit: the billable 95th percentile of its IXP traffic (its ports summed) × its transit price per Mbit/s per month. Content caches and route servers save nothing themselves (their traffic already counts on the ISPs' ports). Total = sum over members.",
    netSaved: "Gross saving minus the port fees the member pays the IXP for the month (the method of ISOC's 2020 Kenya/Nigeria study).",
    localContentShare: 'Bytes sent into the IXP by members of the content category, divided by all bytes sent.',
    coverage: 'Share of the month covered by measurements. A figure with 60% coverage is an estimate over 60% of the month.',
  };
}

/** Headline sentences, ready to paste into an annual impact report. */
export function headlines(r: Omit<ReportModel, 'headlines'>): string[] {
  const f = formatters(r.lang, r.currency);
  const ixp = r.ixp.name;
  const month = f.month(r.period.month);
  const g = r.growth;
  const out: string[] = [];
  const bytes = f.bytes(r.ixp.bytes);
  const prevTxt = (lang: ReportLang) => {
    const parts: string[] = [];
    if (g.previousMonth.change !== null) {
      const up = g.previousMonth.change >= 0;
      parts.push(lang === 'fr' ? `${f.pct(Math.abs(g.previousMonth.change))} de ${up ? 'plus' : 'moins'} qu'en ${f.month(g.previousMonth.month)}`
        : lang === 'pt' ? `${f.pct(Math.abs(g.previousMonth.change))} ${up ? 'mais' : 'menos'} do que em ${f.month(g.previousMonth.month)}`
        : `${f.pct(Math.abs(g.previousMonth.change))} ${up ? 'more' : 'less'} than in ${f.month(g.previousMonth.month)}`);
    }
    if (g.previousYear.change !== null) {
      const up = g.previousYear.change >= 0;
      parts.push(lang === 'fr' ? `${f.pct(Math.abs(g.previousYear.change))} de ${up ? 'plus' : 'moins'} qu'en ${f.month(g.previousYear.month)}`
        : lang === 'pt' ? `${f.pct(Math.abs(g.previousYear.change))} ${up ? 'mais' : 'menos'} do que em ${f.month(g.previousYear.month)}`
        : `${f.pct(Math.abs(g.previousYear.change))} ${up ? 'more' : 'less'} than in ${f.month(g.previousYear.month)}`);
    }
    return parts.length ? ` (${parts.join(lang === 'en' ? ' and ' : lang === 'fr' ? ' et ' : ' e ')})` : '';
  };
  const p95 = f.mbps(r.ixp.p95Mbps);
  const savedMbps = f.mbps(r.members.filter((m) => m.buysTransit).reduce((a, m) => a + (m.p95Mbps ?? 0), 0));
  const share = f.pct(r.ixp.localContentShare);
  const nNew = r.membership.new.length;
  if (r.lang === 'fr') {
    out.push(`En ${month}, les membres de ${ixp} ont échangé localement ${bytes} de trafic${prevTxt('fr')}.`);
    out.push(`Le 95e centile du trafic de l'IXP a atteint ${p95}, avec une pointe de ${f.mbps(r.ixp.peakMbps)}.`);
    out.push(`Le peering à ${ixp} a évité ${savedMbps} de transit international, soit ${f.money(r.ixp.transitSaved)} économisés ce mois-ci (${f.money(r.ixp.netSaved)} nets des frais de port).`);
    if (r.ixp.localContentShare !== null) out.push(`Le contenu local a représenté ${share} du trafic échangé.`);
    out.push(`${ixp} comptait ${r.membership.count} membres (${nNew} nouveau${nNew > 1 ? 'x' : ''}) et le trafic a circulé pendant ${f.pct(r.availability.trafficFlowing)} du mois.`);
    if (r.ixp.coverage < 0.95) out.push(`Ces chiffres reposent sur des mesures couvrant ${f.pct(r.ixp.coverage)} du mois.`);
    if (r.ixp.resolution > 300) out.push(`Une partie de ces chiffres provient d'un historique à la résolution de ${f.resolution(r.ixp.resolution)} (et non de 5 minutes) : le 95e centile et la pointe y sont sous-estimés.`);
  } else if (r.lang === 'pt') {
    out.push(`Em ${month}, os membros do ${ixp} trocaram localmente ${bytes} de tráfego${prevTxt('pt')}.`);
    out.push(`O percentil 95 do tráfego do IXP chegou a ${p95}, com um pico de ${f.mbps(r.ixp.peakMbps)}.`);
    out.push(`O peering no ${ixp} evitou ${savedMbps} de trânsito internacional, uma poupança de ${f.money(r.ixp.transitSaved)} este mês (${f.money(r.ixp.netSaved)} líquidos das taxas de porta).`);
    if (r.ixp.localContentShare !== null) out.push(`O conteúdo local representou ${share} do tráfego trocado.`);
    out.push(`O ${ixp} tinha ${r.membership.count} membros (${nNew} ${nNew === 1 ? 'novo' : 'novos'}) e houve tráfego durante ${f.pct(r.availability.trafficFlowing)} do mês.`);
    if (r.ixp.coverage < 0.95) out.push(`Estes valores baseiam-se em medições que cobrem ${f.pct(r.ixp.coverage)} do mês.`);
    if (r.ixp.resolution > 300) out.push(`Parte destes valores vem de histórico com resolução de ${f.resolution(r.ixp.resolution)} (e não de 5 minutos): o percentil 95 e o pico ficam subestimados.`);
  } else {
    out.push(`In ${month}, members of ${ixp} exchanged ${bytes} of traffic locally${prevTxt('en')}.`);
    out.push(`The exchange's 95th percentile reached ${p95}, with a peak of ${f.mbps(r.ixp.peakMbps)}.`);
    out.push(`Peering at ${ixp} avoided ${savedMbps} of international transit, saving ${f.money(r.ixp.transitSaved)} this month (${f.money(r.ixp.netSaved)} net of port fees).`);
    if (r.ixp.localContentShare !== null) out.push(`Local content made up ${share} of the traffic exchanged.`);
    out.push(`${ixp} had ${r.membership.count} members (${nNew} new), and traffic flowed ${f.pct(r.availability.trafficFlowing)} of the month.`);
    if (r.ixp.coverage < 0.95) out.push(`These figures rest on measurements covering ${f.pct(r.ixp.coverage)} of the month.`);
    if (r.ixp.resolution > 300) out.push(`Part of these figures comes from history at ${f.resolution(r.ixp.resolution)} resolution (not 5 minutes), which understates the 95th percentile and the peak.`);
  }
  // A month in progress: the savings above are so far; say so, with the projection beside them.
  if (!r.period.complete && r.ixp.transitSavedProjected !== undefined) {
    const el = f.pct(r.period.elapsedShare);
    const so = f.money(r.ixp.transitSaved);
    const pr = f.money(r.ixp.transitSavedProjected);
    const npr = f.money(r.ixp.netSavedProjected ?? 0);
    out.push(r.lang === 'fr' ? `${month} est en cours (${el} écoulé) : ${so} économisés jusqu'à maintenant ; projection pour le mois entier si le trafic se maintient : ${pr} (${npr} nets).`
      : r.lang === 'pt' ? `${month} está em curso (${el} decorrido): ${so} poupados até agora; projeção para o mês inteiro se o tráfego se mantiver: ${pr} (${npr} líquidos).`
      : `${month} is in progress (${el} elapsed): ${so} saved so far; projected for the whole month if traffic goes on: ${pr} (${npr} net).`);
  }
  out.push(...capacityHeadlines(r));
  return out;
}

/**
 * Capacity ahead of time (issue 14): a sentence for each member port already above 80 % or whose forecast reaches it
 * within 24 months of the report's month, soonest first, at most five.
 */
export function capacityHeadlines(r: Omit<ReportModel, 'headlines'>): string[] {
  const f = formatters(r.lang, r.currency);
  const horizon = r.period.month;
  const [hy, hm] = horizon.split('-').map(Number) as [number, number];
  const limit = `${hy + 2}-${String(hm).padStart(2, '0')}`;
  const speed = (m: number | null) => (m === null ? '' : m >= 1000 ? `${f.num(m / 1000, m % 1000 ? 1 : 0)}G ` : `${f.int(m)}M `);
  const out: string[] = [];
  for (const p of r.capacityForecasts ?? []) {
    const fc = p.forecast;
    if (out.length >= 5) break;
    if (fc.status === 'over') {
      const u = f.pct(fc.lastUtil);
      out.push(r.lang === 'fr' ? `Le port ${speed(p.speedMbps)}de ${p.name} (${p.switch} ${p.port}) dépasse déjà ${f.pct(fc.threshold)} (95e centile ${u}).`
        : r.lang === 'pt' ? `A porta ${speed(p.speedMbps)}de ${p.name} (${p.switch} ${p.port}) já está acima de ${f.pct(fc.threshold)} (percentil 95 ${u}).`
        : `${p.name}'s ${speed(p.speedMbps)}port (${p.switch} ${p.port}) is already above ${f.pct(fc.threshold)} (95th percentile ${u}).`);
    } else if (fc.status === 'forecast' && fc.crossing! <= limit) {
      const range = `${f.month(fc.earliest!)} – ${fc.latest ? f.month(fc.latest) : r.lang === 'fr' ? 'plus tard' : r.lang === 'pt' ? 'mais tarde' : 'later'}`;
      const g = f.signedPct(fc.growthPerMonth);
      out.push(r.lang === 'fr' ? `Le port ${speed(p.speedMbps)}de ${p.name} (${p.switch} ${p.port}) atteindra ${f.pct(fc.threshold)} vers ${f.month(fc.crossing!)} (${range} ; croissance ${g} par mois sur ${fc.months} mois).`
        : r.lang === 'pt' ? `A porta ${speed(p.speedMbps)}de ${p.name} (${p.switch} ${p.port}) chega a ${f.pct(fc.threshold)} por volta de ${f.month(fc.crossing!)} (${range}; crescimento de ${g} por mês em ${fc.months} meses).`
        : `${p.name}'s ${speed(p.speedMbps)}port (${p.switch} ${p.port}) reaches ${f.pct(fc.threshold)} around ${f.month(fc.crossing!)} (${range}; growth ${g} a month over ${fc.months} months).`);
    }
  }
  return out;
}

// ---------------------------------------------------------------- part-month figures and annual reports

/** Member categories as the reports name them. */
export const CATEGORIES: Record<ReportLang, Record<string, string>> = {
  en: { content: 'content', isp: 'ISP', nsp: 'network service provider', enterprise: 'enterprise', education: 'education', government: 'government', 'non-profit': 'non-profit', 'route-server': 'route server', other: 'other' },
  fr: { content: 'contenu', isp: 'FAI', nsp: 'fournisseur de services réseau', enterprise: 'entreprise', education: 'éducation', government: 'administration', 'non-profit': 'association', 'route-server': 'serveur de routes', other: 'autre' },
  pt: { content: 'conteúdo', isp: 'ISP', nsp: 'fornecedor de serviços de rede', enterprise: 'empresa', education: 'educação', government: 'governo', 'non-profit': 'sem fins lucrativos', 'route-server': 'servidor de rotas', other: 'outro' },
};

/** A category in the report's language (an unknown one as given). */
export function categoryLabel(lang: ReportLang, c: string): string {
  return CATEGORIES[lang][c] ?? c;
}

/** Labels added with part-month figures and the annual report. */
export const STRINGS2 = {
  en: {
    soFar: 'so far', projected: 'projected if traffic goes on', connected: 'Connected', bytesSent: 'Bytes sent into the IXP', bytesReceived: 'Bytes received from the IXP',
    annualTitle: 'Annual impact report', year: 'Year', yearIncomplete: 'year in progress: figures up to now', growthYearPrev: 'vs previous year',
    monthly: 'Month by month', joinedMembers: 'Members joined', chartSavingsMonthly: 'Transit saved per month', notComparable: 'not comparable',
    monthInProgress: 'in progress',
  },
  fr: {
    soFar: "jusqu'à maintenant", projected: 'projection si le trafic se maintient', connected: 'Connecté', bytesSent: "Octets envoyés dans l'IXP", bytesReceived: "Octets reçus de l'IXP",
    annualTitle: "Rapport d'impact annuel", year: 'Année', yearIncomplete: "année en cours : chiffres jusqu'à maintenant", growthYearPrev: "par rapport à l'année précédente",
    monthly: 'Mois par mois', joinedMembers: 'Membres arrivés', chartSavingsMonthly: 'Transit économisé par mois', notComparable: 'non comparable',
    monthInProgress: 'en cours',
  },
  pt: {
    soFar: 'até agora', projected: 'projeção se o tráfego se mantiver', connected: 'Ligado', bytesSent: 'Bytes enviados para o IXP', bytesReceived: 'Bytes recebidos do IXP',
    annualTitle: 'Relatório de impacto anual', year: 'Ano', yearIncomplete: 'ano em curso: valores até agora', growthYearPrev: 'face ao ano anterior',
    monthly: 'Mês a mês', joinedMembers: 'Membros que aderiram', chartSavingsMonthly: 'Trânsito poupado por mês', notComparable: 'não comparável',
    monthInProgress: 'em curso',
  },
} as const satisfies Record<ReportLang, Record<string, string>>;

/** A short month label for charts ("Nov 2026", "nov. 2026", "nov. de 2026"). */
export function shortMonth(lang: ReportLang, m: string): string {
  const [y, mo] = m.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(LOCALE[lang], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, mo - 1, 15)));
}

/** Why a growth figure is missing, in `lang`: "not comparable: October 2026 has 16 % coverage". */
export function growthReason(lang: ReportLang, nc: { label: string; coverage: number } | 'no-traffic'): string {
  if (nc === 'no-traffic') {
    return lang === 'fr' ? 'non comparable : aucun trafic sur la période précédente' : lang === 'pt' ? 'não comparável: sem tráfego no período anterior' : 'not comparable: no traffic in the earlier period';
  }
  const name = /^\d{4}-\d{2}$/.test(nc.label) ? formatters(lang, 'USD').month(nc.label) : nc.label;
  const pc = coveragePct(nc.coverage);
  if (lang === 'fr') return `non comparable : ${name} a une couverture de ${pc}`;
  if (lang === 'pt') return `não comparável: ${name} tem ${pc} de cobertura`;
  return `not comparable: ${name} has ${pc} coverage`;
}

/** The part-month convention, for every method note. */
export function partMonthText(lang: ReportLang): string {
  if (lang === 'fr') return "Mois partiels : le 95e centile d'un membre est pris sur ses mesures pendant qu'il était membre (dates d'arrivée et de départ, dans le fuseau horaire de l'IXP) ; son économie et ses frais de port sont multipliés par la part du mois où il était connecté (lancement de l'IXP compris). Les données manquantes baissent la couverture, jamais la part connectée. Un mois en cours donne le chiffre jusqu'à maintenant et une projection (le mois entier si le trafic se maintient) ; les sommes sur plusieurs mois additionnent les chiffres jusqu'à maintenant. La croissance compare la même durée écoulée, et n'est pas donnée quand un des deux côtés a moins de 50 % de couverture.";
  if (lang === 'pt') return 'Meses parciais: o percentil 95 de um membro é calculado sobre as suas amostras enquanto era membro (datas de adesão e saída, no fuso horário do IXP); a poupança e a taxa de porta são multiplicadas pela parte do mês em que esteve ligado (incluindo o lançamento do IXP). Dados em falta baixam a cobertura, nunca a parte ligada. Um mês em curso dá o valor até agora e uma projeção (o mês inteiro se o tráfego se mantiver); as somas de vários meses somam os valores até agora. O crescimento compara o mesmo tempo decorrido e não é dado quando um dos lados tem menos de 50 % de cobertura.';
  return "Part-months: a member's 95th percentile is taken over its samples while it was a member (join and leave dates, in the IXP's time zone); its saving and its port fee are multiplied by the share of the month it was connected (the IXP's launch included). Missing data lowers coverage, never the connected share. A month in progress gives the figure so far and a projection (the whole month if traffic goes on); sums over months add the so-far figures. Growth compares the same elapsed span, and is not given when either side has under 50% coverage.";
}

/** A coverage for a reason text: whole per cent, "< 1 %" for a little above none. */
export function coveragePct(c: number): string {
  const r = Math.round(c * 100);
  return r === 0 && c > 0 ? '< 1 %' : `${r} %`;
}

// ---------------------------------------------------------------- sFlow: IPv6 share and measured local content (reports/peering.ts)

/** Labels, method text and headline templates of the report's sFlow section. Templates take {name} slots. */
export const STRINGS_PEERING = {
  en: {
    title: 'IPv6 and measured local content (sFlow)', ipv6: 'IPv6 share (sFlow)', contentMeasured: 'Local content share, measured (sFlow peer-to-peer matrix)',
    contentPorts: 'port counters', rate: 'sampling rate', samples: 'samples', windows: 'of the 5-minute windows with sFlow', unknown: 'bytes of unknown MACs',
    members: 'IPv6 share per member (sFlow)', exchanged: 'Bytes sent and received', ipv6Bytes: 'IPv6 bytes', error: 'error',
    method: "From sFlow v5 samples of the member ports on ingress, each scaled by the packets its source saw since its previous sample (as pmacct's sfacctd renormalises), MACs mapped to members. IPv6 share: IPv6 bytes over all bytes in the matrix (a member's: over all it sent and received). Measured local content: bytes content members sent to the other members over all bytes exchanged (the port-based figure counts what content ports sent into the IXP). Each is an estimate: its error (±, one standard error) comes from about 1/√samples.",
    headIpv6: 'IPv6 made up {pct} (± {err}) of the traffic exchanged at {ixp} in {month}, measured from sFlow samples ({rate}, {n} samples, {cov} of the 5-minute windows).',
    headContent: 'Measured from the peer-to-peer matrix, content members sent {pct} (± {err}) of the bytes exchanged (port counters: {ports}).',
  },
  fr: {
    title: 'IPv6 et contenu local mesuré (sFlow)', ipv6: 'Part IPv6 (sFlow)', contentMeasured: 'Part du contenu local, mesurée (matrice pair à pair sFlow)',
    contentPorts: 'compteurs des ports', rate: "taux d'échantillonnage", samples: 'échantillons', windows: 'des fenêtres de 5 minutes avec sFlow', unknown: 'octets de MAC inconnues',
    members: 'Part IPv6 par membre (sFlow)', exchanged: 'Octets envoyés et reçus', ipv6Bytes: 'Octets IPv6', error: 'erreur',
    method: "D'après les échantillons sFlow v5 des ports membres en entrée, chacun multiplié par les paquets vus par sa source depuis son échantillon précédent (comme sfacctd de pmacct), les MAC attribuées aux membres. Part IPv6 : octets IPv6 sur tous les octets de la matrice (pour un membre : sur tout ce qu'il a envoyé et reçu). Contenu local mesuré : octets envoyés par les membres de contenu aux autres membres sur tous les octets échangés (le chiffre des ports compte ce que les ports de contenu ont envoyé dans l'IXP). Chaque chiffre est une estimation : son erreur (±, un écart type) vient d'environ 1/√échantillons.",
    headIpv6: "L'IPv6 a représenté {pct} (± {err}) du trafic échangé à {ixp} en {month}, mesuré par échantillons sFlow ({rate}, {n} échantillons, {cov} des fenêtres de 5 minutes).",
    headContent: 'Mesurée sur la matrice pair à pair, la part envoyée par les membres de contenu est de {pct} (± {err}) des octets échangés (compteurs des ports : {ports}).',
  },
  pt: {
    title: 'IPv6 e conteúdo local medido (sFlow)', ipv6: 'Quota IPv6 (sFlow)', contentMeasured: 'Quota de conteúdo local, medida (matriz par a par sFlow)',
    contentPorts: 'contadores das portas', rate: 'taxa de amostragem', samples: 'amostras', windows: 'das janelas de 5 minutos com sFlow', unknown: 'bytes de MAC desconhecidos',
    members: 'Quota IPv6 por membro (sFlow)', exchanged: 'Bytes enviados e recebidos', ipv6Bytes: 'Bytes IPv6', error: 'erro',
    method: 'A partir das amostras sFlow v5 das portas dos membros à entrada, cada uma multiplicada pelos pacotes que a sua fonte viu desde a amostra anterior (como o sfacctd do pmacct), com os MAC atribuídos aos membros. Quota IPv6: bytes IPv6 sobre todos os bytes da matriz (de um membro: sobre tudo o que enviou e recebeu). Conteúdo local medido: bytes enviados pelos membros de conteúdo aos outros membros sobre todos os bytes trocados (o valor das portas conta o que as portas de conteúdo enviaram para o IXP). Cada valor é uma estimativa: o seu erro (±, um desvio padrão) vem de cerca de 1/√amostras.',
    headIpv6: 'O IPv6 representou {pct} (± {err}) do tráfego trocado no {ixp} em {month}, medido por amostras sFlow ({rate}, {n} amostras, {cov} das janelas de 5 minutos).',
    headContent: 'Medida na matriz par a par, a quota enviada pelos membros de conteúdo foi de {pct} (± {err}) dos bytes trocados (contadores das portas: {ports}).',
  },
} as const satisfies Record<ReportLang, Record<string, string>>;

/** Fills a template's {name} slots. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m);
}

/** The resilience section's labels and method (dashboard/reports/resilience.ts). */
export const RESILIENCE_STRINGS: Record<ReportLang, {
  title: string; start: string; end: string; duration: string; localTraffic: string; avgRate: string; coverage: string; ongoing: string;
  noOutage: string; target: string; kind: string; median: string; loss: string; rounds: string; local: string; international: string; localRef: string;
  routers: (n: number) => string; summary: (n: number, duration: string, bytes: string) => string; method: string;
  latencyHeadline: (local: string, ref: string, intl: string, coverage: string) => string;
}> = {
  en: {
    title: 'Resilience: international outages and latency', start: 'Start', end: 'End', duration: 'Duration', localTraffic: 'Local traffic meanwhile',
    avgRate: 'Average rate', coverage: 'Coverage', ongoing: 'ongoing', noOutage: 'No international outage this month.', target: 'Target', kind: 'Kind',
    median: 'Median RTT', loss: 'Loss', rounds: 'Rounds', local: 'Local (members\' routers)', international: 'international', localRef: 'local reference',
    routers: (n) => `${n} router${n === 1 ? '' : 's'}`,
    latencyHeadline: (l, ref, i, c) => `Median latency to members' routers across the IXP: ${l}, against ${i} to ${ref} abroad (latency coverage ${c}).`,
    summary: (n, d, b) => (n === 0 ? 'The international link stayed up all month (no outage seen by the probes).'
      : `${n} international outage${n === 1 ? '' : 's'} (${d} in all): members kept exchanging ${b} over the IXP meanwhile.`),
    method: 'fping rounds from the collector to members\' routers and to named references. An international outage is a run of rounds in which every ' +
      'international reference was silent while members\' routers answered; each edge is known to within one round interval. The local traffic ' +
      'meanwhile is the bytes members\' ports sent into the exchange over the outage (5-minute windows cut by its edges counted pro rata), with ' +
      'the port-time coverage of those windows; the average rate is over the measured time. Latency: "local" is the median over members\' routers ' +
      'of each router\'s month median (the median of its hourly medians of every RTT), loss over every ping sent; each reference likewise, its ' +
      'coverage being its rounds over one round per interval of the elapsed month. Outages are found from per-round rows, kept 35 days by default.',
  },
  fr: {
    title: 'Résilience : coupures internationales et latence', start: 'Début', end: 'Fin', duration: 'Durée', localTraffic: 'Trafic local pendant ce temps',
    avgRate: 'Débit moyen', coverage: 'Couverture', ongoing: 'en cours', noOutage: 'Aucune coupure internationale ce mois-ci.', target: 'Cible', kind: 'Type',
    median: 'RTT médian', loss: 'Pertes', rounds: 'Tours', local: 'Local (routeurs des membres)', international: 'international', localRef: 'référence locale',
    routers: (n) => `${n} routeur${n === 1 ? '' : 's'}`,
    latencyHeadline: (l, ref, i, c) => `Latence médiane vers les routeurs des membres via l'IXP : ${l}, contre ${i} vers ${ref} à l'étranger (couverture de la latence ${c}).`,
    summary: (n, d, b) => (n === 0 ? 'Le lien international est resté disponible tout le mois (aucune coupure vue par les sondes).'
      : `${n} coupure${n === 1 ? '' : 's'} internationale${n === 1 ? '' : 's'} (${d} au total) : les membres ont continué d'échanger ${b} via l'IXP pendant ce temps.`),
    method: 'Tours fping depuis le collecteur vers les routeurs des membres et des références nommées. Une coupure internationale est une suite de tours ' +
      'où toutes les références internationales restent muettes alors que les routeurs des membres répondent ; chaque bord est connu à un intervalle ' +
      'de tour près. Le trafic local pendant ce temps est le volume envoyé par les ports des membres dans l\'IXP pendant la coupure (fenêtres de ' +
      '5 minutes coupées par ses bords comptées au prorata), avec la couverture port-temps de ces fenêtres ; le débit moyen porte sur le temps mesuré. ' +
      'Latence : « local » est la médiane, sur les routeurs des membres, de la médiane mensuelle de chaque routeur (médiane de ses médianes horaires ' +
      'de tous les RTT), pertes sur tous les pings envoyés ; chaque référence de même, sa couverture étant ses tours sur un tour par intervalle du mois ' +
      'écoulé. Les coupures sont trouvées à partir des lignes par tour, gardées 35 jours par défaut.',
  },
  pt: {
    title: 'Resiliência: falhas internacionais e latência', start: 'Início', end: 'Fim', duration: 'Duração', localTraffic: 'Tráfego local entretanto',
    avgRate: 'Débito médio', coverage: 'Cobertura', ongoing: 'em curso', noOutage: 'Nenhuma falha internacional este mês.', target: 'Destino', kind: 'Tipo',
    median: 'RTT mediano', loss: 'Perdas', rounds: 'Rondas', local: 'Local (routers dos membros)', international: 'internacional', localRef: 'referência local',
    routers: (n) => `${n} router${n === 1 ? '' : 's'}`,
    latencyHeadline: (l, ref, i, c) => `Latência mediana para os routers dos membros através do IXP: ${l}, contra ${i} para ${ref} no estrangeiro (cobertura da latência ${c}).`,
    summary: (n, d, b) => (n === 0 ? 'A ligação internacional esteve disponível todo o mês (nenhuma falha vista pelas sondas).'
      : `${n} falha${n === 1 ? '' : 's'} internaciona${n === 1 ? 'l' : 'is'} (${d} no total): os membros continuaram a trocar ${b} pelo IXP entretanto.`),
    method: 'Rondas fping a partir do coletor para os routers dos membros e referências nomeadas. Uma falha internacional é uma sequência de rondas em que ' +
      'todas as referências internacionais ficaram em silêncio enquanto os routers dos membros respondiam; cada extremo é conhecido com a precisão de um ' +
      'intervalo de ronda. O tráfego local entretanto é o volume enviado pelas portas dos membros para o IXP durante a falha (janelas de 5 minutos ' +
      'cortadas pelos extremos contadas proporcionalmente), com a cobertura porta-tempo dessas janelas; o débito médio é sobre o tempo medido. ' +
      'Latência: "local" é a mediana, sobre os routers dos membros, da mediana mensal de cada router (mediana das medianas horárias de todos os RTT), ' +
      'perdas sobre todos os pings enviados; cada referência da mesma forma, sendo a cobertura as suas rondas sobre uma ronda por intervalo do mês ' +
      'decorrido. As falhas são encontradas nas linhas por ronda, guardadas 35 dias por omissão.',
  },
};
