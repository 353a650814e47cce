// Masking of phone numbers typed into free text, in the forms cadres actually write them.
import t from 'tap';
import { maskText } from '../../src/services/privacy.service.js';

t.test('mobiles with a country code and landlines with brackets or spaces are masked', async (t) => {
  const cases: Array<[string, string]> = [
    ['电话+8613812345678请回', '电话138****5678请回'],
    ['8613812345678', '138****5678'],
    ['138 1234 5678', '138****5678'],
    ['(0851)12345678', '(0851)****78'],
    ['0851 1234567', '0851 ****67'],
    ['0851-1234567', '0851-****67'],
  ];
  for (const [input, masked] of cases) t.equal(maskText(input), masked, input);
  t.equal(maskText('订单号 2026000123456789012'), '订单号 2026000123456789012', 'a long order number is not a phone');
});
