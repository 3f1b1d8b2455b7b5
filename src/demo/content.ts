/** The demo catalog, in English and Russian. */
export const demoCategories = [
  {
    key: 'programming',
    en: 'Programming',
    ru: 'Программирование',
    descriptionEn: 'Write software that works.',
    descriptionRu: 'Пишем программы, которые работают.',
  },
  {
    key: 'languages',
    en: 'Languages',
    ru: 'Языки',
    descriptionEn: 'Speak to more people.',
    descriptionRu: 'Говорите с большим числом людей.',
  },
];

const question = (prompt: string, options: Array<[string, boolean]>, explanation: string) => ({
  type: 'single' as const,
  prompt,
  points: 1,
  options: options.map(([text, correct]) => ({ text, correct })),
  explanation,
});

export const demoCourses = [
  {
    category: 'programming',
    tags: ['typescript', 'beginner-friendly'],
    level: 'beginner' as const,
    price: 0,
    capacity: undefined,
    sequential: true,
    enrollStudent: true,
    review: { rating: 5, body: 'Clear and practical.' },
    en: {
      title: 'TypeScript from Zero',
      summary: 'Types, functions and modules, step by step.',
      description: 'A first course in TypeScript for people who know a little JavaScript.',
    },
    ru: {
      title: 'TypeScript с нуля',
      summary: 'Типы, функции и модули шаг за шагом.',
      description: 'Первый курс TypeScript для тех, кто немного знает JavaScript.',
    },
    lessons: [
      {
        kind: 'text' as const,
        minutes: 10,
        videoUrl: undefined,
        en: { title: 'Why types', content: 'Types catch mistakes before users do.' },
        ru: { title: 'Зачем нужны типы', content: 'Типы ловят ошибки раньше пользователей.' },
      },
      {
        kind: 'video' as const,
        minutes: 15,
        videoUrl: 'https://example.com/videos/ts-functions.mp4',
        en: { title: 'Functions', content: 'Parameters, return types and overloads.' },
        ru: { title: 'Функции', content: 'Параметры, возвращаемые типы и перегрузки.' },
      },
      {
        kind: 'text' as const,
        minutes: 12,
        videoUrl: undefined,
        en: { title: 'Modules', content: 'import, export and how they compile.' },
        ru: { title: 'Модули', content: 'import, export и как они компилируются.' },
      },
    ],
    quiz: {
      en: {
        title: 'TypeScript check',
        questions: [
          question(
            'Which keyword declares a type alias?',
            [
              ['type', true],
              ['alias', false],
              ['typedef', false],
            ],
            'TypeScript uses `type Name = …`.'
          ),
        ],
      },
      ru: {
        title: 'Проверка по TypeScript',
        questions: [
          question(
            'Какое ключевое слово объявляет псевдоним типа?',
            [
              ['type', true],
              ['alias', false],
              ['typedef', false],
            ],
            'В TypeScript пишут `type Name = …`.'
          ),
        ],
      },
    },
    assignment: {
      title: 'Type a small library',
      instructions: 'Add types to the given JavaScript module and hand in the .ts file.',
      maxPoints: 100,
      allowLate: true,
      latePenaltyPercent: 10,
      allowedFileTypes: ['ts', 'txt'],
      maxFileSizeMb: 5,
    },
  },
  {
    category: 'programming',
    tags: ['databases'],
    level: 'intermediate' as const,
    price: 49,
    capacity: 30,
    sequential: false,
    enrollStudent: false,
    review: undefined,
    en: {
      title: 'SQL for Builders',
      summary: 'Queries, indexes and transactions that hold under load.',
      description: 'Learn to model data and let the database keep it correct.',
    },
    ru: {
      title: 'SQL для разработчиков',
      summary: 'Запросы, индексы и транзакции под нагрузкой.',
      description: 'Учимся моделировать данные и доверять базе их целостность.',
    },
    lessons: [
      {
        kind: 'text' as const,
        minutes: 20,
        videoUrl: undefined,
        en: { title: 'SELECT and JOIN', content: 'Reading data from several tables.' },
        ru: { title: 'SELECT и JOIN', content: 'Читаем данные из нескольких таблиц.' },
      },
      {
        kind: 'text' as const,
        minutes: 25,
        videoUrl: undefined,
        en: { title: 'Indexes', content: 'When an index helps and when it does not.' },
        ru: { title: 'Индексы', content: 'Когда индекс помогает, а когда нет.' },
      },
    ],
    quiz: undefined,
    assignment: undefined,
  },
  {
    category: 'languages',
    tags: ['beginner-friendly'],
    level: 'beginner' as const,
    price: 0,
    capacity: 100,
    sequential: false,
    enrollStudent: false,
    review: undefined,
    en: {
      title: 'Russian for Travellers',
      summary: 'The Cyrillic alphabet and the phrases you need on the road.',
      description: 'Read signs, order food and ask the way.',
    },
    ru: {
      title: 'Русский для путешественников',
      summary: 'Кириллица и фразы, нужные в дороге.',
      description: 'Читаем вывески, заказываем еду и спрашиваем дорогу.',
    },
    lessons: [
      {
        kind: 'text' as const,
        minutes: 15,
        videoUrl: undefined,
        en: { title: 'The alphabet', content: 'Thirty-three letters, most of them friendly.' },
        ru: { title: 'Алфавит', content: 'Тридцать три буквы, и большинство дружелюбны.' },
      },
      {
        kind: 'text' as const,
        minutes: 15,
        videoUrl: undefined,
        en: { title: 'At the café', content: 'Кофе, пожалуйста!' },
        ru: { title: 'В кафе', content: 'Кофе, пожалуйста!' },
      },
    ],
    quiz: undefined,
    assignment: undefined,
  },
];

export const demoArticles = [
  {
    minutes: 4,
    en: {
      title: 'How to finish an online course',
      excerpt: 'Small steps, every day.',
      body: 'Set a time, keep it short, and mark each lesson complete.',
    },
    ru: {
      title: 'Как закончить онлайн-курс',
      excerpt: 'Маленькие шаги каждый день.',
      body: 'Выберите время, занимайтесь понемногу и отмечайте каждый урок.',
    },
  },
  {
    minutes: 3,
    en: {
      title: 'Welcome to Lyceum',
      excerpt: 'What this platform is for.',
      body: 'Lyceum is an open-source learning platform for schools and course authors.',
    },
    ru: {
      title: 'Добро пожаловать в Lyceum',
      excerpt: 'Для чего эта платформа.',
      body: 'Lyceum — открытая платформа обучения для школ и авторов курсов.',
    },
  },
];
