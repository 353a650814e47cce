// Masking of known names, household codes and email addresses in free text (Open311's public lists use them).
import t from 'tap';
import { maskCodes, maskEmail, maskNames } from '../../src/services/privacy.service.js';

t.test('known names are masked wherever they appear, longest first, and nothing else', async (t) => {
  t.equal(maskNames('张大山家水管破了，张大山的儿子在外地', ['张大山']), '张**家水管破了，张**的儿子在外地');
  t.equal(maskNames('李四代报，李四光路口', ['李四', '李四光']), '李*代报，李**路口', 'a name inside a longer one: the longer wins');
  t.equal(maskNames('John Smith called', ['john smith']), 'J********* called', 'Latin names whatever their case');
  t.equal(maskNames('王 家的事', ['王', '', null, undefined, ' ']), '王 家的事', 'a single character is no name to hunt for');
  t.equal(maskNames('费用(元)：100', ['(元)']), '费用(**：100', 'regular-expression characters are taken literally');
  t.equal(maskNames('𠀀𠀁家', ['𠀀𠀁']), '𠀀*家', 'characters outside the basic plane count as one');
});

t.test('household codes and email addresses', async (t) => {
  t.equal(maskCodes('户号HH-001，邻居HH-0012', ['HH-0012', 'HH-001']), '户号****，邻居****');
  t.equal(maskEmail('lisi@example.cn'), 'l***@example.cn');
  t.equal(maskEmail('nobody'), '****');
  t.equal(maskEmail(null), null);
});
