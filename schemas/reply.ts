/**
 * A published reply (问答/答复) to one opinion. Holds no personal data: the submitter's name and
 * contact never reach content/ (DEVELOPERS.md, privacy); the unit is named only with consent.
 * Shape follows the Sichuan reply in ../shared/seeds/: addressed, answered point by point.
 */
import { z } from 'zod';
import { categorySchema, dateSchema, officeSchema, outcomeSchema, submitterTypeSchema } from './common.ts';
import { mentionedCodeSchema } from './codes.ts';

export const replySchema = z.object({
  /** Title of the opinion as published, e.g. 关于完善DRG支付结算的建议. */
  title: z.string().min(2, '标题不能为空'),
  /** The opinion as the public may read it: redacted, no names, phones, e-mails or ID numbers. */
  question: z.string().min(2),
  /** One of the four categories after triage. */
  category: categorySchema,
  /** Office that answered. */
  office: officeSchema,
  /** Who asked, by type only. */
  submitterType: submitterTypeSchema.optional(),
  /** The submitting unit, only when it agreed to be named (`unitNamed`). */
  unit: z.string().optional(),
  /** Whether the submitting unit agreed to be named in the published reply. */
  unitNamed: z.boolean().default(false),
  /**
   * 并案办理 (issue 13): other opinions raising the same question were merged into this one (/merge) and are answered
   * here. Absent when only one unit raised it.
   */
  raisedBy: z
    .object({
      /** How many units raised the question, this opinion's included (N 家单位提出); one without a unit counts once. */
      units: z.number().int().min(2),
      /** Of them, the units that agreed to be named (publicConsent), in the order their opinions were received. */
      named: z.array(z.string()).default([]),
    })
    .optional(),
  /** Day the opinion was received. */
  received: dateSchema,
  /** Day the reply was made. */
  replied: dateSchema,
  /** 采纳 / 部分采纳 / 暂不采纳并留用 / 解释说明 / 转报上级. */
  outcome: outcomeSchema,
  /** DRG/DIP/ICD codes the opinion or reply mentions, with names from the configured list. */
  codes: z.array(mentionedCodeSchema).default([]),
  /** Tracking code (查询码) and tracker issue, e.g. { code: 'JY-2026-7K3M9Q', issue: 42 }. */
  tracker: z
    .object({
      /** Public 查询码 shown on the receipt. */
      code: z.string().optional(),
      /** Issue number in the bureau's tracker. */
      issue: z.number().int().positive().optional(),
    })
    .default({}),
  /** Ids of policies the answer cites, as `policies/<id>`. */
  cites: z.array(z.string().regex(/^policies\/[\w-]+$/)).default([]),
  /** Who signed the reply, e.g. 四川省医疗保障局. */
  signedBy: z.string().optional(),
});
export type Reply = z.infer<typeof replySchema>;
